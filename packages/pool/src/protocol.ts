/**
 * Messages between pool views and members. Plain data, so they cross threads unchanged
 * once members live on other nodes. @internal
 */
import type { Pid } from '@troupe/core'
import type { ThreadLimits } from './memberThreads.js'

/** A job for a thread: `{ u, e, a }` runs `export e` of module `u` with args `a`; `{ u, e, b }` runs it once per input of `b`. */
export interface Job {
  readonly u: string
  readonly e: string
  readonly a?: readonly unknown[]
  readonly b?: readonly unknown[]
  /** Where the task's `progress()` reports go: the view, and the task's number there. */
  readonly p?: ProgressTarget
}

export interface ProgressTarget {
  readonly to: Pid
  readonly seq: number
}

/** A progress report of a running task, sent by its member to the view that placed it. */
export interface ProgressMessage {
  readonly $pool: 'progress'
  readonly seq: number
  readonly value: unknown
}

export function isProgressMessage(m: unknown): m is ProgressMessage {
  return typeof m === 'object' && m !== null && (m as { $pool?: unknown }).$pool === 'progress'
}

/** How an attempt ended. Numbers, so the hot path allocates no outcome objects. */
export const OK = 0
export const TASK_ERROR = 1
export const PERMANENT = 2
/** The thread or member died under the task: not the task's fault, re-placed first in line. */
export const LOST = 3
export const TIMED_OUT = 4
export const ABORTED = 5
export type Status = 0 | 1 | 2 | 3 | 4 | 5

export interface RunRequest {
  readonly $pool: 'run'
  readonly id: string
  readonly job: Job
  readonly timeout: number
}
export interface PlaceRequest {
  readonly $pool: 'place'
  readonly actor: { readonly url: string; readonly export: string } | object
  readonly args: readonly unknown[]
  readonly shutdown: number | 'brutal_kill' | 'infinity' | undefined
}
export interface ConfigureRequest {
  readonly $pool: 'configure'
  readonly maxConcurrency?: number
  readonly threads?: Partial<ThreadLimits>
}
export interface InfoRequest {
  readonly $pool: 'info'
}
export type MemberRequest = RunRequest | PlaceRequest | ConfigureRequest | InfoRequest

/** Reply to a run: `'busy'` when the member refused (at capacity), else the outcome. */
export type RunReply = 'busy' | { readonly s: Status; readonly v: unknown }
export type PlaceReply = 'busy' | { readonly ok: true; readonly pid: Pid } | { readonly ok: false; readonly error: unknown }

/** Cast by the view: stop a task it placed (remote path of `AbortSignal`). */
export interface AbortMessage {
  readonly $pool: 'abort'
  readonly id: string
}

/** A member's load, sent to views that do not read it in-thread. */
export interface LoadReport {
  readonly $pool: 'load'
  readonly member: Pid
  readonly running: number
  readonly capacity: number
}

export interface MemberInfo {
  readonly pid: Pid
  readonly node: string
  readonly running: number
  readonly capacity: number
  /** Highest `running` ever seen. */
  readonly peak: number
  readonly threads: number
  readonly limits: ThreadLimits
  readonly children: number
  readonly completed: number
  readonly failed: number
  readonly recycled: number
  readonly stuck: number
}

export function isLoadReport(m: unknown): m is LoadReport {
  return typeof m === 'object' && m !== null && (m as { $pool?: unknown }).$pool === 'load'
}

/** pg groups of a pool: members join the first, views the second. */
export function memberGroup(pool: string): [string, string] {
  return ['members', pool]
}
export function viewGroup(pool: string): [string, string] {
  return ['views', pool]
}
