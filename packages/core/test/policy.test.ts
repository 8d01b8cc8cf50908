/** Scheduling policies applied to behaviours (the pure queue is tested in scheduling.test.ts). */
import { describe, expect, it } from 'vitest'
import {
  InvalidPolicyChoice,
  byMethod,
  createManualClock,
  createNode,
  defineBehaviour,
  definePolicy,
  earliestDeadlineFirst,
  fifo,
  priorityBy,
  random,
  reply,
  type Policy,
  type ReplyTo,
} from '../src/index.js'
import { exitOf, settle } from './probe.js'

/** A behaviour that records the order in which it handles casts and calls. */
function recorder(log: unknown[], extra: { scheduler?: Policy<{ preferred: string }, unknown> } = {}) {
  return defineBehaviour({
    ...extra,
    init: () => ({ preferred: 'b' }),
    handleCast: (m: unknown, s: { preferred: string }) => {
      log.push(m)
      return s
    },
    handleCall: (req: unknown, _from: ReplyTo, s: { preferred: string }) => {
      log.push(req)
      return reply(req, s)
    },
    handleInfo: (m: unknown, s: { preferred: string }) => {
      log.push(m)
      return s
    },
  })
}

/** Spawns with a gate: the recorder is busy until the test has queued everything. */
async function queueThenRun(node: ReturnType<typeof createNode>, beh: ReturnType<typeof recorder>, opts: object, fill: (pid: ReturnType<typeof node.spawn>) => void) {
  const pid = node.spawn(beh, [], opts)
  fill(pid)
  await settle()
  return pid
}

describe('scheduling policies on actors', () => {
  it('fifo is the default and keeps send order', async () => {
    const node = createNode()
    const log: unknown[] = []
    await queueThenRun(node, recorder(log), {}, (pid) => [3, 1, 2].forEach((n) => node.cast(pid, n)))
    expect(log).toEqual([3, 1, 2])
  })

  it('earliestDeadlineFirst orders by the deadline given at the send site; ties keep arrival order', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const log: unknown[] = []
    await queueThenRun(node, recorder(log), { scheduler: earliestDeadlineFirst }, (pid) => {
      node.cast(pid, 'late', { deadline: 300 })
      node.cast(pid, 'none')
      node.cast(pid, 'soon-a', { deadline: 100 })
      node.send(pid, 'soon-b', { deadline: 100 })
      void node.call(pid, 'call-mid', { deadline: 200 })
    })
    expect(log).toEqual(['soon-a', 'soon-b', 'call-mid', 'late', 'none'])
  })

  it('priorityBy and byMethod order by a key of each message', async () => {
    const node = createNode()
    const log: unknown[] = []
    await queueThenRun(node, recorder(log), { scheduler: priorityBy((item) => (item.message as { prio: number }).prio, { order: 'desc' }) }, (pid) =>
      [1, 5, 3].forEach((prio) => node.cast(pid, { prio })),
    )
    expect(log).toEqual([{ prio: 5 }, { prio: 3 }, { prio: 1 }])
    const log2: unknown[] = []
    await queueThenRun(node, recorder(log2), { scheduler: byMethod(['first', 'second']) }, (pid) => {
      for (let i = 0; i < 13; i++) {
        node.cast(pid, { method: 'second', i })
        node.cast(pid, { method: 'first', i })
      }
    })
    expect(log2.slice(0, 13).every((m) => (m as { method: string }).method === 'first')).toBe(true)
    expect(log2.slice(13).every((m) => (m as { method: string }).method === 'second')).toBe(true)
  })

  it('random is deterministic for a seed and handles every message', async () => {
    const run = async () => {
      const node = createNode()
      const log: unknown[] = []
      await queueThenRun(node, recorder(log), { scheduler: random(42) }, (pid) => [...Array(20).keys()].forEach((n) => node.cast(pid, n)))
      return log
    }
    const a = await run()
    expect(a).toEqual(await run())
    expect([...a].sort((x, y) => (x as number) - (y as number))).toEqual([...Array(20).keys()])
    expect(a).not.toEqual([...Array(20).keys()])
  })

  it('reads extra arguments from the current state at each decision', async () => {
    const node = createNode()
    const log: unknown[] = []
    const preferState = definePolicy('prefer', (queue, preferred: string) => queue.find((i) => i.method === preferred) ?? queue[0], {
      args: (s: { preferred: string }) => [s.preferred] as [string],
    })
    const beh = defineBehaviour({
      scheduler: preferState,
      init: () => ({ preferred: 'b' }),
      handleCast: (m: string, s: { preferred: string }) => {
        log.push(m)
        return { preferred: m === 'b' ? 'c' : s.preferred }
      },
    })
    const pid = node.spawn(beh)
    for (const m of ['a', 'c', 'b', 'a', 'c']) node.cast(pid, m)
    await settle()
    expect(log).toEqual(['b', 'c', 'c', 'a', 'a'])
  })

  it('a behaviour declares a default policy; spawn overrides it', async () => {
    const node = createNode()
    const log: unknown[] = []
    const beh = recorder(log, { scheduler: byMethod(['x', 'y']) })
    await queueThenRun(node, beh, {}, (pid) => ['y', 'x'].forEach((m) => node.cast(pid, m)))
    expect(log).toEqual(['x', 'y'])
    log.length = 0
    await queueThenRun(node, beh, { scheduler: fifo }, (pid) => ['y', 'x'].forEach((m) => node.cast(pid, m)))
    expect(log).toEqual(['y', 'x'])
  })

  it('never consults the policy before init has finished (ABS bug 312)', async () => {
    const node = createNode()
    const seen: unknown[] = []
    const watching = definePolicy('watching', (queue, ready: boolean) => {
      seen.push(ready)
      return queue[0]
    }, { args: (s: { ready: boolean }) => [s.ready] as [boolean] })
    let finishInit!: () => void
    const beh = defineBehaviour({
      scheduler: watching,
      init: () => new Promise<{ ready: boolean }>((r) => (finishInit = () => r({ ready: true }))),
      handleCast: (_m: unknown, s: { ready: boolean }) => s,
    })
    const pid = node.spawn(beh)
    node.cast(pid, 1)
    node.cast(pid, 2)
    await settle()
    expect(seen).toEqual([])
    finishInit()
    await settle()
    expect(seen).toEqual([true, true])
  })

  it('"nothing now" waits until the queue changes or time passes', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const log: unknown[] = []
    let open = false
    const gate = definePolicy('gate', (queue) => (open || queue.length >= 3 ? queue[0] : undefined))
    const pid = node.spawn(recorder(log), [], { scheduler: gate })
    node.cast(pid, 1)
    node.cast(pid, 2)
    await settle()
    expect(log).toEqual([])
    node.cast(pid, 3) // the queue changed: asked again
    await settle()
    expect(log).toEqual([1])
    await settle()
    expect(log).toEqual([1])
    open = true
    clock.advance(10) // time passed: asked again
    await settle()
    expect(log).toEqual([1, 2, 3])
  })

  it('an invalid choice makes the actor exit with InvalidPolicyChoice naming the policy', async () => {
    const node = createNode()
    const liar = definePolicy('liar', () => ({ message: 'forged' }) as never)
    const pid = node.spawn(recorder([]), [], { scheduler: liar })
    const exit = exitOf(node, pid)
    node.cast(pid, 'real')
    const reason = await exit
    expect(InvalidPolicyChoice.is(reason)).toBe(true)
    expect((reason as Error).message).toMatch(/liar/)
  })

  it('rejects a scheduler for process functions and a bad policy or deadline', () => {
    const node = createNode()
    expect(() => node.spawn(async () => {}, [], { scheduler: fifo })).toThrow(TypeError)
    expect(() => node.spawn(recorder([]), [], { scheduler: (() => 0) as never })).toThrow(/options.scheduler/)
    const pid = node.spawn(recorder([]))
    expect(() => node.cast(pid, 1, { deadline: -1 })).toThrow(RangeError)
    expect(() => node.send(pid, 1, { timeout: 5 } as never)).toThrow(/options.timeout is not a known option/)
  })

  it('mailboxLength counts pending messages under a policy', async () => {
    const node = createNode()
    const pid = node.spawn(recorder([]), [], { scheduler: definePolicy('hold', () => undefined) })
    node.cast(pid, 1)
    node.cast(pid, 2)
    await settle()
    expect(node.processInfo(pid)!.mailboxLength).toBe(2)
  })
})
