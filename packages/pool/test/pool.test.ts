import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNode, type Pid, type Process } from '@troupe/core'
import {
  AllMembersAtCapacity,
  TaskFailed,
  WaitTimeout,
  call,
  cast,
  closePool,
  execute,
  map,
  memberInfo,
  openPool,
  startPoolMember,
  stats,
  unfinished,
  type ExecuteStatus,
  type Pool,
} from '../src/index.js'
import { add, counter, deferred, held, open, echo, fib, flaky, later, square, stepwise, throwPermanent, throwRange } from './tasks.js'

// One member with two warm threads serves the whole file: thread starts cost ~120 ms each under tsx.
const node = createNode({ name: 'pooltest' })
let member: Pid
let pool: Pool

beforeAll(async () => {
  member = await startPoolMember(node, 'basic', { min: 2, max: 2, preload: [add] })
  pool = openPool(node, 'basic', { retryDelay: 0 })
})
afterAll(() => {
  closePool(pool)
  node.exit(member, 'shutdown')
})

describe('task progress', () => {
  it('reaches the caller in order, before the result', async () => {
    const seen: unknown[] = []
    const result = await call(pool, stepwise, [4], { onProgress: (v) => seen.push(v) })
    expect(result).toBe('done')
    expect(seen).toEqual([0.25, 0.5, 0.75, 1])
  })

  it('reaches an execute client too, and costs nothing when nobody listens', async () => {
    expect(await call(pool, stepwise, [3])).toBe('done')
    const seen: unknown[] = []
    const status = deferred<ExecuteStatus>()
    node.spawn(async (ctx: Process) => {
      execute(pool, stepwise, [2], { client: ctx.self, onProgress: (v) => seen.push(v) })
      status.resolve((await ctx.receive()) as ExecuteStatus)
    })
    expect((await status.promise).result).toEqual({ ok: true, value: 'done' })
    expect(seen).toEqual([0.5, 1])
  })

  it('rejects a bad onProgress', () => {
    expect(() => call(pool, stepwise, [1], { onProgress: 5 as never })).toThrow(/options.onProgress must be a function/)
    expect(() => map(pool, stepwise, [1], { onProgress: () => {} })).toThrow(/not supported by map/)
  })
})

describe('call', () => {
  it('runs a task by module URL and export, with typed arguments and result', async () => {
    const n: number = await call(pool, add, [2, 3])
    expect(n).toBe(5)
    expect(await call(pool, fib, [15])).toBe(610)
    expect(await call(pool, later, [7])).toBe(7)
    expect(await call(pool, echo, [{ a: [1, 'x'] }])).toEqual({ a: [1, 'x'] })
  })

  it("rejects with TaskFailed keeping the worker error's name, message and stack", async () => {
    const err = await call(pool, throwRange, ['out of range']).catch((e: unknown) => e)
    expect(TaskFailed.is(err)).toBe(true)
    const f = err as TaskFailed
    expect(f.reason).toBe('max_retries')
    expect(f.remote.name).toBe('RangeError')
    expect(f.remote.message).toBe('out of range')
    expect(f.remote.stack).toMatch(/fixtures\/tasks\.ts/)
  })

  it('retries up to maxAttempts, then succeeds', async () => {
    const c = counter()
    expect(await call(pool, flaky, [c, 2], { maxAttempts: 3 })).toBe('ok')
    expect(Atomics.load(c, 0)).toBe(3)
    const c2 = counter()
    const err = await call(pool, flaky, [c2, 5], { maxAttempts: 2 }).catch((e: unknown) => e)
    expect(TaskFailed.is(err) && err.reason === 'max_retries' && err.attempts === 2).toBe(true)
  })

  it('does not retry a PermanentFailure', async () => {
    const err = await call(pool, throwPermanent, ['bad input'], { maxAttempts: 5 }).catch((e: unknown) => e)
    expect(TaskFailed.is(err)).toBe(true)
    expect((err as TaskFailed).reason).toBe('permanent_failure')
    expect((err as TaskFailed).attempts).toBe(1)
    expect((err as TaskFailed).remote.name).toBe('PermanentFailure')
  })

  it('validates its arguments at the boundary', () => {
    expect(() => call(pool, { url: 1 } as never, [] as never)).toThrow(/task must be a task made by defineTask/)
    expect(() => call(pool, add, [1, 2], { timeout: -1 })).toThrow(/options.timeout must be a number of milliseconds/)
    expect(() => call(pool, add, [1, 2], { bogus: 1 } as never)).toThrow(/options.bogus is not a known option/)
    expect(() => openPool(node, 'x', { whenFull: 'wait' as never })).toThrow(/options.whenFull must be one of 'queue', 'reject'/)
  })
})

describe('map, cast, execute', () => {
  it('map batches inputs and keeps their order', async () => {
    const inputs = Array.from({ length: 5000 }, (_, i) => i)
    const out = await map(pool, square, inputs)
    expect(out).toHaveLength(5000)
    expect(out.every((v, i) => v === i * i)).toBe(true)
    expect(await map(pool, square, [])).toEqual([])
  })

  it('map rejects with the failure of a batch', async () => {
    const err = await map(pool, throwRange, ['a', 'b']).catch((e: unknown) => e)
    expect(TaskFailed.is(err)).toBe(true)
  })

  it('cast holds a slot and its outcome lands in stats', async () => {
    const before = stats(pool).completed
    const id = cast(pool, add, [1, 1])
    expect(typeof id).toBe('string')
    expect(unfinished(pool).some((t) => t.id === id)).toBe(true)
    // A call placed after the cast completes after it on a FIFO view with free slots; wait on it.
    await call(pool, add, [0, 0])
    await expect.poll(() => stats(pool).completed).toBeGreaterThanOrEqual(before + 2)
    expect(unfinished(pool).some((t) => t.id === id)).toBe(false)
  })

  it('execute sends gascheduler-style status messages to the client process', async () => {
    const got: ExecuteStatus[] = []
    const done = deferred()
    async function client(ctx: Process) {
      const ok = execute(pool, add, [20, 22], { client: ctx.self })
      const perm = execute(pool, throwPermanent, ['no'], { client: ctx.self, maxAttempts: 3 })
      const c = counter()
      const retried = execute(pool, flaky, [c, 10], { client: ctx.self, maxAttempts: 2 })
      for (let i = 0; i < 3; i++) got.push((await ctx.receive()) as ExecuteStatus)
      got.sort((a, b) => [ok, perm, retried].indexOf(a.task) - [ok, perm, retried].indexOf(b.task))
      done.resolve()
    }
    node.spawn(client)
    await done.promise
    expect(got[0]).toMatchObject({ pool: 'basic', result: { ok: true, value: 42 }, node: 'pooltest' })
    expect(got[1]!.result).toMatchObject({ error: 'permanent_failure' })
    expect(got[2]!.result).toMatchObject({ error: 'max_retries' })
    expect((got[2]!.result as { cause: { fields: { attempts: number } } }).cause.fields.attempts).toBe(2)
  })
})

describe('capacity', () => {
  it("whenFull 'reject' refuses at once with AllMembersAtCapacity", async () => {
    // The other batch of the failed map above may still hold a slot.
    await expect.poll(async () => (await memberInfo(node, member)).running).toBe(0)
    const strict = openPool(node, 'basic', { whenFull: 'reject' })
    const running = [call(strict, later, [1]), call(strict, later, [2])]
    const err = await call(strict, add, [1, 1]).catch((e: unknown) => e)
    expect(AllMembersAtCapacity.is(err)).toBe(true)
    expect(await Promise.all(running)).toEqual([1, 2])
    closePool(strict)
  })

  it('a bounded queue refuses beyond maxQueue and times out waiters', async () => {
    const q = openPool(node, 'basic', { maxQueue: 1 })
    const running = [call(q, later, [1]), call(q, later, [2])]
    const waiting = call(q, add, [1, 2])
    const refused = await call(q, add, [1, 1]).catch((e: unknown) => e)
    expect(AllMembersAtCapacity.is(refused)).toBe(true)
    expect(await Promise.all([...running, waiting])).toEqual([1, 2, 3])
    const slow = openPool(node, 'basic', { maxQueue: 10 })
    const gate = counter()
    const r2 = [call(slow, held, [gate, 1]), call(slow, held, [gate, 2])]
    const timedOut = call(slow, add, [1, 1], { waitTimeout: 0 }).catch((e: unknown) => e)
    expect(WaitTimeout.is(await timedOut)).toBe(true)
    open(gate)
    expect(await Promise.all(r2)).toEqual([1, 2])
    closePool(q)
    closePool(slow)
  })

  it('never runs more than maxConcurrency at once', async () => {
    const info0 = await memberInfo(node, member)
    await Promise.all(Array.from({ length: 200 }, (_, i) => call(pool, later, [i])))
    const info = await memberInfo(node, member)
    expect(info.peak).toBeLessThanOrEqual(info.capacity)
    expect(info.completed).toBeGreaterThanOrEqual(info0.completed + 200)
    expect(stats(pool)).toMatchObject({ pending: 0, running: 0, members: [{ pid: member, running: 0, capacity: 2 }] })
  })
})
