/**
 * Fault tests, one fixture per way a task can fail: throw, exit its thread, hang, run out of
 * memory, stall its thread after answering. The pool must fail only what the fault touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNode, priorityBy, type Pid } from '@troupe/core'
import {
  ExecutionTimeout,
  PoolClosed,
  TaskAborted,
  TaskFailed,
  call,
  closePool,
  configureMember,
  memberInfo,
  openPool,
  startPoolMember,
  stats,
  type Pool,
  type QueuedTask,
} from '../src/index.js'
import { _memberCore } from '../src/poolMember.js'
import { add, allocate, counter, echo, exitThread, hang, held, open, stall, throwRange } from './tasks.js'

const node = createNode({ name: 'faults' })
let member: Pid
let pool: Pool

beforeAll(async () => {
  member = await startPoolMember(node, 'faults', { min: 1, max: 2, errorKill: 2, idleTimeout: 50 })
  pool = openPool(node, 'faults')
})
afterAll(() => {
  closePool(pool)
  node.exit(member, 'shutdown')
})

describe('a thread that dies', () => {
  it('process.exit fails only its own task, re-placed until maxReschedules', async () => {
    const runs = counter()
    const dying = call(pool, exitThread, [runs], { maxReschedules: 2 }).catch((e: unknown) => e)
    const others = Promise.all(Array.from({ length: 20 }, (_, i) => call(pool, add, [i, 1])))
    expect(await others).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    const err = await dying
    expect(TaskFailed.is(err) && err.reason === 'max_reschedules').toBe(true)
    expect((err as TaskFailed).remote.message).toMatch(/worker exited with code: 3/)
    expect(Atomics.load(runs, 0)).toBe(3)
    expect(stats(pool).rescheduled).toBeGreaterThanOrEqual(2)
    expect(await call(pool, add, [1, 1])).toBe(2)
  })

  it('an execution timeout stops the running task and replaces its thread', async () => {
    const err = await call(pool, hang, [], { timeout: 100 }).catch((e: unknown) => e)
    expect(ExecutionTimeout.is(err)).toBe(true)
    expect(await call(pool, add, [2, 2])).toBe(4)
  })

  it('an AbortSignal stops a running task and drops a waiting one', async () => {
    const gate = counter()
    const blocker = call(pool, held, [gate, 1])
    const ac = new AbortController()
    const running = call(pool, hang, [], { signal: ac.signal }).catch((e: unknown) => e)
    const waiting = call(pool, add, [1, 2], { signal: ac.signal }).catch((e: unknown) => e)
    expect(stats(pool)).toMatchObject({ running: 2, queued: 1 })
    ac.abort('changed my mind')
    expect(TaskAborted.is(await running)).toBe(true)
    expect(TaskAborted.is(await waiting)).toBe(true)
    open(gate)
    expect(await blocker).toBe(1)
  })

  it('a thread whose tasks keep throwing is recycled after errorKill failures', async () => {
    const before = (await memberInfo(node, member)).recycled
    // One slot, so both failures land on the same thread.
    await configureMember(node, member, { maxConcurrency: 1 })
    try {
      for (let i = 0; i < 2; i++) await call(pool, throwRange, ['again']).catch(() => {})
      expect((await memberInfo(node, member)).recycled).toBe(before + 1)
      expect(await call(pool, add, [3, 3])).toBe(6)
    } finally {
      await configureMember(node, member, { maxConcurrency: 2 })
    }
  })

  it('a health check replaces a thread whose event loop stopped while idle', async () => {
    // Its own member with min = max: otherwise Piscina's idle reaper may end the stalled thread first.
    const m = await startPoolMember(node, 'health', { min: 1, max: 1, healthInterval: 50, healthTimeout: 1000 })
    const p = openPool(node, 'health')
    try {
      expect(await call(p, stall, [])).toBe('stalled')
      await expect.poll(async () => (await memberInfo(node, m)).stuck, { timeout: 15_000 }).toBe(1)
      expect(await call(p, add, [4, 4])).toBe(8)
    } finally {
      closePool(p)
      node.exit(m, 'shutdown')
    }
  })

  it('idle threads above min shut down after idleTimeout', async () => {
    const gate = counter()
    const both = [call(pool, held, [gate, 1]), call(pool, held, [gate, 2])]
    await expect.poll(async () => (await memberInfo(node, member)).threads, { timeout: 10_000 }).toBe(2)
    open(gate)
    await Promise.all(both)
    await expect.poll(async () => (await memberInfo(node, member)).threads, { timeout: 10_000 }).toBe(1)
  })
})

describe('out of memory', () => {
  it('a thread over its resourceLimits fails only its task; the member keeps serving', async () => {
    const m = await startPoolMember(node, 'oom', { min: 1, max: 1, resourceLimits: { maxOldGenerationSizeMb: 48 } })
    const p = openPool(node, 'oom')
    const err = await call(p, allocate, [], { maxReschedules: 0 }).catch((e: unknown) => e)
    expect(TaskFailed.is(err) && err.reason === 'max_reschedules').toBe(true)
    expect((err as TaskFailed).remote.message).toMatch(/memory/i)
    expect(await call(p, add, [5, 5])).toBe(10)
    closePool(p)
    node.exit(m, 'shutdown')
  })
})

describe('queue order and run-time settings', () => {
  it('waiting tasks follow the pool policy; a raised maxConcurrency applies at once', async () => {
    const m = await startPoolMember(node, 'order', { min: 1, max: 2, maxConcurrency: 1 })
    const p = openPool(node, 'order', { policy: priorityBy<QueuedTask>((i) => i.message.priority, { order: 'desc' }) })
    const gate = counter()
    const first = call(p, held, [gate, 0])
    const order: string[] = []
    const waiting = (['low', 'high', 'mid'] as const).map((name, i) =>
      call(p, echo, [name], { priority: [1, 3, 2][i]! }).then((v) => {
        order.push(String(v))
      }),
    )
    expect(stats(p).queued).toBe(3)
    open(gate)
    await Promise.all([first, ...waiting])
    expect(order).toEqual(['high', 'mid', 'low'])

    const gate2 = counter()
    const a = call(p, held, [gate2, 1])
    const b = call(p, held, [gate2, 2])
    expect(stats(p)).toMatchObject({ running: 1, queued: 1 })
    const info = await configureMember(node, m, { maxConcurrency: 2, max: 3 })
    expect(info.limits.max).toBe(3)
    expect(stats(p)).toMatchObject({ running: 2, queued: 0 })
    open(gate2)
    expect(await Promise.all([a, b])).toEqual([1, 2])
    closePool(p)
    node.exit(m, 'shutdown')
  })
})

describe('node shutdown', () => {
  it('closes the threads of its members and fails what its views had not finished', async () => {
    const n = createNode({ name: 'doomed' })
    const m = await startPoolMember(n, 'doomed', { min: 1, max: 1 })
    const core = _memberCore(n, m)!
    const p = openPool(n, 'doomed')
    const gate = counter()
    const pending = call(p, held, [gate, 1]).catch((e: unknown) => e)
    n.shutdown()
    expect(core.closed).toBe(true)
    expect(PoolClosed.is(await pending)).toBe(true)
    await expect.poll(() => core.threads.threadCount).toBe(0)
  })
})
