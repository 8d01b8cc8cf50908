/**
 * The scheduler's client API: plain functions over a registry, made of troupe calls to the
 * server of a process (`schedule`, `serverInfo`, `stopScheduler`) or of reads of the store
 * (`getSchedule`, `slot`). Arguments are validated here, once; troupe's call errors are turned
 * into the scheduler's typed errors (`SchedulerTimeout`, `SchedulerStopped`).
 */
import { CallExited, CallTimeout, describeReason, isDownMessage, type Pid, type Process } from '@troupe/core'
import { toAssignmentMessage, type AssignmentMessage } from './assignmentMessage.js'
import { SchedulerNotFound, SchedulerStopped, SchedulerTimeout } from './errors.js'
import type { Message } from './message.js'
import type { Registry, ServerOptions } from './registry.js'
import type { ServerInfo, ServerRequest } from './schedulerServer.js'
import type { ServerReply } from './slotPipeline.js'
import { assertMessage, assertOptions, assertProcId, assertSlot, assertTimeout } from './validate.js'

export interface ScheduleOptions extends ServerOptions {
  /** ms; default the registry's `timeout` (10 s). */
  readonly timeout?: number
}
const SCHEDULE_OPTIONS = ['timeout', 'mode', 'publisher', 'blockInfo', 'sign', 'maxInFlight'] as const

/**
 * Gives `msg` the next slot of `procId` and resolves with the signed assignment, when the
 * server's mode says it may (by default: once it is durable). Creates the process's server
 * on first use, with `msg` as its process message and the server options in `options`.
 * @throws SchedulerTimeout, SchedulerStopped, AssignmentFailed, UnverifiedMessage,
 *   InvalidMessage, InvalidProcessId, SchedulingDisabled, UnknownSchedulingMode.
 * @example const a = await schedule(registry, procId, { action: 'Eval', data: '1 + 1' }); a.slot
 */
export async function schedule(registry: Registry, procId: string, msg: Message, options?: ScheduleOptions): Promise<AssignmentMessage> {
  assertProcId(procId)
  assertMessage(msg, 'msg')
  assertOptions(options, SCHEDULE_OPTIONS, 'options')
  const timeout = options?.timeout ?? registry.timeout
  assertTimeout(timeout, 'options.timeout')
  let server: ServerOptions | undefined
  if (options !== undefined) {
    const { timeout: _t, ...rest } = options
    server = rest
  }
  const pid = registry.find(procId, msg, server)
  const deadline = registry.clock.now() + timeout
  const r = await callServer<ServerReply>(registry, procId, pid, { type: 'schedule', msg, deadline }, timeout)
  if (!r.ok) throw r.error
  return r.value
}

export interface ScheduleRange {
  /** First slot, inclusive. Default 0. */
  readonly from?: number
  /** Last slot, inclusive. Default: the latest durable one. */
  readonly to?: number
}

/** One page of a process's schedule. */
export interface SchedulePage {
  readonly process: string
  /** Consecutive slots from `from`, at most {@link maxPageSize}. */
  readonly assignments: AssignmentMessage[]
  /** True when the page was cut at {@link maxPageSize} and the range goes on. */
  readonly continues: boolean
}

/** Assignments per page of `getSchedule`, at most. */
export const maxPageSize = 1000

/**
 * Reads durable assignments of `procId` in `[from, to]`: at most {@link maxPageSize}, with
 * `continues: true` when more exist. The page stops at the first missing slot. Reads see
 * durable assignments only (in `aggressive` mode an acknowledged one shows once written), and
 * go straight to the store: they never queue behind the server's writes nor start a server.
 */
export async function getSchedule(registry: Registry, procId: string, range?: ScheduleRange): Promise<SchedulePage> {
  assertProcId(procId)
  assertOptions(range, ['from', 'to'], 'range')
  const from = range?.from ?? 0
  assertSlot(from, 'range.from')
  if (range?.to !== undefined) assertSlot(range.to, 'range.to')
  const to = range?.to ?? Number.MAX_SAFE_INTEGER
  if (to < from) return { process: procId, assignments: [], continues: false }
  // One more than a page: it tells whether the range goes on.
  const records = await registry.store.read(procId, from, to, maxPageSize + 1)
  const assignments: AssignmentMessage[] = []
  for (let i = 0; i < records.length && i < maxPageSize; i++) {
    const r = records[i]!
    if (r.slot !== from + i) return { process: procId, assignments, continues: false }
    assignments.push(toAssignmentMessage(r))
  }
  const next = records[maxPageSize]
  return { process: procId, assignments, continues: next !== undefined && next.slot === from + maxPageSize }
}

/** HyperBEAM's `slot`: the latest durable slot of a process, with the scheduler's time and block now. */
export interface SlotInfo {
  readonly process: string
  /** -1 when the process has no assignment. */
  readonly current: number
  readonly timestamp: number
  readonly 'block-height': number
  readonly 'block-hash': string
}

/** The latest durable slot of `procId` (from the store; no server is started). */
export async function slot(registry: Registry, procId: string): Promise<SlotInfo> {
  assertProcId(procId)
  const latest = await registry.store.latest(procId)
  const block = registry.blockInfo()
  return { process: procId, current: latest?.slot ?? -1, timestamp: registry.clock.now(), 'block-height': block.height, 'block-hash': block.hash }
}

/**
 * What the live server of `procId` reports: `{ id, current, hashChain, mode, wallets, ... }`.
 * @throws SchedulerNotFound when it has none.
 */
export async function serverInfo(registry: Registry, procId: string, options?: { readonly timeout?: number }): Promise<ServerInfo> {
  assertProcId(procId)
  assertOptions(options, ['timeout'], 'options')
  const timeout = options?.timeout ?? registry.timeout
  assertTimeout(timeout, 'options.timeout')
  const pid = registry.find(procId)
  if (pid === 'not_found') throw new SchedulerNotFound({ procId, node: registry.node.name })
  return callServer<ServerInfo>(registry, procId, pid, { type: 'info' }, timeout)
}

/**
 * Stops the server of `procId` and resolves once it has exited (its name is free then).
 * Queued requests are refused with `SchedulerStopped`; slots in flight are answered first.
 * False when there was no server.
 */
export async function stopScheduler(registry: Registry, procId: string, reason: unknown = 'shutdown'): Promise<boolean> {
  assertProcId(procId)
  const pid = registry.find(procId)
  if (pid === 'not_found') return false
  const { node } = registry
  await new Promise<void>((resolve) => {
    // A watcher process: its DOWN comes after the name is released, as OTP orders them.
    node.spawn(async (ctx: Process) => {
      const ref = ctx.monitor(pid)
      node.exit(pid, reason === 'normal' ? 'shutdown' : reason)
      await ctx.receive((m) => isDownMessage(m) && m.ref === ref)
      resolve()
    })
  })
  return true
}

async function callServer<T>(registry: Registry, procId: string, pid: Pid, req: ServerRequest, timeout: number): Promise<T> {
  try {
    return await registry.node.call<ServerRequest, T>(pid, req, { timeout })
  } catch (err) {
    if (CallTimeout.is(err)) throw new SchedulerTimeout({ procId, timeout })
    if (CallExited.is(err)) throw new SchedulerStopped({ procId, reason: describeReason(err.reason) })
    throw err
  }
}
