import { describe, expect, it } from 'vitest'
import { decodeError, encodeError } from '../src/errors.js'
import {
  InvalidPolicyChoice,
  InvalidPolicyKey,
  PendingItem,
  PendingQueue,
  RingBuffer,
  byMethod,
  definePolicy,
  earliestDeadlineFirst,
  fifo,
  keyedPolicy,
  priorityBy,
  random,
  validatePolicy,
} from '../src/scheduling/index.js'
import type { PendingView, Policy } from '../src/scheduling/index.js'
import { mulberry32 } from '../src/scheduling/mulberry32.js'

/** Builds items with increasing seq, as the kernel does on enqueue. */
function maker() {
  let seq = 0
  return (method: string, opts: { deadlineAt?: number; arrival?: number; message?: unknown } = {}) =>
    new PendingItem(opts.message ?? method, method, opts.arrival ?? seq, opts.deadlineAt ?? Infinity, undefined, seq++)
}

function drain<M, S>(q: PendingQueue<M, S>, state: S, now = 0): PendingItem<M>[] {
  const out: PendingItem<M>[] = []
  for (let it = q.next(state, now); it !== undefined; it = q.next(state, now)) out.push(it)
  return out
}

describe('fifo', () => {
  it('is the default and runs items in arrival order', () => {
    const make = maker()
    const q = new PendingQueue()
    expect(q.policy).toBe(fifo)
    for (const m of ['a', 'b', 'c', 'd']) q.push(make(m))
    expect(q.size).toBe(4)
    expect(drain(q, undefined).map((p) => p.method)).toEqual(['a', 'b', 'c', 'd'])
    expect(q.size).toBe(0)
    expect(q.next(undefined, 0)).toBeUndefined()
  })

  it('keeps order across compaction of a long-lived backlog', () => {
    const make = maker()
    const q = new PendingQueue(fifo)
    const out: number[] = []
    for (let i = 0; i < 5000; i++) {
      q.push(make('m'))
      q.push(make('m'))
      out.push(q.next(undefined, 0)!.seq)
    }
    out.push(...drain(q, undefined).map((p) => p.seq))
    expect(out).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
  })
})

describe('random', () => {
  const order = (seed: number) => {
    const make = maker()
    const q = new PendingQueue(random(seed))
    for (let i = 0; i < 20; i++) q.push(make(`m${i}`))
    return drain(q, undefined).map((p) => p.seq)
  }

  it('is deterministic for a seed and runs every item once', () => {
    expect(order(7)).toEqual(order(7))
    expect([...order(7)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(order(7)).not.toEqual(order(8))
  })

  it('rejects a non-finite seed', () => {
    expect(() => random(Number.NaN)).toThrow('seed must be a finite number, got number NaN')
  })
})

describe('earliestDeadlineFirst', () => {
  it('yields ascending deadlines, no deadline last, ties in arrival order', () => {
    const make = maker()
    const rnd = mulberry32(1)
    const q = new PendingQueue(earliestDeadlineFirst)
    // Few distinct deadlines, so that ties are common.
    for (let i = 0; i < 100; i++) {
      const r = Math.floor(rnd() * 12)
      q.push(make('m', { deadlineAt: r === 11 ? Infinity : 1000 + r * 10 }))
    }
    const out = drain(q, undefined)
    expect(out).toHaveLength(100)
    for (let i = 1; i < out.length; i++) {
      const [a, b] = [out[i - 1]!, out[i]!]
      expect(a.deadlineAt < b.deadlineAt || (a.deadlineAt === b.deadlineAt && a.seq < b.seq)).toBe(true)
    }
    expect(out.at(-1)!.deadlineAt).toBe(Infinity)
  })
})

describe('priorityBy', () => {
  const prio = (p: PendingItem<{ prio: number }>) => p.message.prio
  const run = (order: 'asc' | 'desc') => {
    let seq = 0
    const q = new PendingQueue<{ prio: number }>(priorityBy(prio, { order }))
    for (const n of [3, 1, 2, 1, 3]) q.push(new PendingItem({ prio: n }, 'job', 0, Infinity, undefined, seq++))
    return drain(q, undefined).map((p) => `${p.message.prio}#${p.seq}`)
  }

  it('runs the smallest first with asc (the default), ties in arrival order', () => {
    expect(run('asc')).toEqual(['1#1', '1#3', '2#2', '3#0', '3#4'])
    expect(priorityBy(prio).name).toBe('priorityBy(prio)')
  })

  it('runs the largest first with desc, ties still in arrival order', () => {
    expect(run('desc')).toEqual(['3#0', '3#4', '2#2', '1#1', '1#3'])
  })
})

describe('byMethod', () => {
  it('runs every pending `first` before any `second`', () => {
    const make = maker()
    const q = new PendingQueue(byMethod(['first', 'second']))
    for (let i = 0; i < 13; i++) {
      q.push(make('first'))
      if (i % 3 === 0) q.push(make('second'))
    }
    q.push(make('other'))
    const methods = drain(q, undefined).map((p) => p.method)
    expect(methods).toEqual([...Array<string>(13).fill('first'), ...Array<string>(5).fill('second'), 'other'])
  })

  it('rejects a list that is not of strings', () => {
    expect(() => byMethod(['a', 1] as never)).toThrow('order must be an array of strings, got an array of length 2')
  })
})

describe('function policies', () => {
  it('"nothing now" (undefined) leaves the queue intact; time is passed as now', () => {
    const make = maker()
    // Runs an item only once it is due within 10 ms; shows remaining `deadline` per view.
    const seen: number[] = []
    const dueSoon = definePolicy('dueSoon', (queue) => {
      seen.push(...queue.map((v) => v.deadline))
      return queue.find((v) => v.deadline <= 10)
    })
    const q = new PendingQueue(dueSoon)
    q.push(make('a', { deadlineAt: 100 }))
    q.push(make('b'))
    expect(q.next(undefined, 50)).toBeUndefined()
    expect(seen).toEqual([50, Infinity])
    expect(q.size).toBe(2)
    expect(q.peekAll().map((p) => p.method)).toEqual(['a', 'b'])
    expect(q.next(undefined, 95)?.method).toBe('a')
    expect(q.size).toBe(1)
  })

  it('reads extra arguments from the current state at each decision', () => {
    const make = maker()
    const preferred = definePolicy(
      'preferred',
      (queue, method: string) => queue.find((v) => v.method === method),
      { args: (s: { preferred: string }) => [s.preferred] },
    )
    const q = new PendingQueue(preferred)
    for (const m of ['x', 'y', 'x', 'y']) q.push(make(m))
    const state = { preferred: 'y' }
    expect(q.next(state, 0)?.seq).toBe(1)
    state.preferred = 'x'
    expect(q.next(state, 0)?.seq).toBe(0)
    state.preferred = 'z'
    expect(q.next(state, 0)).toBeUndefined()
    expect(q.size).toBe(2)
  })

  it('throws InvalidPolicyChoice naming the policy when the choice is not in the queue', () => {
    const make = maker()
    const impostor = make('ghost')
    const bad = definePolicy('liar', () => ({ ...impostor, deadline: Infinity }))
    const q = new PendingQueue(bad)
    q.push(make('real'))
    let err: unknown
    try {
      q.next(undefined, 0)
    } catch (e) {
      err = e
    }
    expect(InvalidPolicyChoice.is(err)).toBe(true)
    expect((err as InvalidPolicyChoice).policy).toBe('liar')
    expect((err as Error).message).toBe('scheduling policy "liar" chose an item with method "ghost" (seq 0), which is not in the queue')
    // The queue is unchanged, and the error crosses a thread boundary intact.
    expect(q.size).toBe(1)
    const back = decodeError(structuredClone(encodeError(err)))
    expect(InvalidPolicyChoice.is(back) && back.policy).toBe('liar')
  })

  it('rejects a view kept from an earlier decision once its item has run', () => {
    const make = maker()
    let kept: PendingView | undefined
    const q = new PendingQueue(definePolicy('hoarder', (queue) => (kept ??= queue[0])))
    q.push(make('a'))
    q.push(make('b'))
    expect(q.next(undefined, 0)?.method).toBe('a')
    expect(() => q.next(undefined, 0)).toThrow(InvalidPolicyChoice)
  })
})

describe('keyed fast path', () => {
  it('gives the same order as an equivalent free-function policy (50 random rounds)', () => {
    const rnd = mulberry32(2024)
    const key = (p: PendingItem) => p.deadlineAt
    // The O(n) reference: least (key, seq) by linear scan.
    const slow = definePolicy('slowEdf', (queue) => {
      let best = queue[0]
      for (const v of queue) if (key(v) < key(best!) || (key(v) === key(best!) && v.seq < best!.seq)) best = v
      return best
    })
    for (let round = 0; round < 50; round++) {
      const make = maker()
      const fast = new PendingQueue(keyedPolicy('edf', key))
      const ref = new PendingQueue(slow)
      const [a, b]: number[][] = [[], []]
      const steps = 1 + Math.floor(rnd() * 300)
      for (let s = 0; s < steps; s++) {
        if (rnd() < 0.6) {
          const r = Math.floor(rnd() * 20)
          const item = make('m', { deadlineAt: r === 0 ? Infinity : r })
          fast.push(item)
          ref.push(item)
        } else {
          a.push(fast.next(undefined, 0)?.seq ?? -1)
          b.push(ref.next(undefined, 0)?.seq ?? -1)
        }
        expect(fast.size).toBe(ref.size)
      }
      a.push(...drain(fast, undefined).map((p) => p.seq))
      b.push(...drain(ref, undefined).map((p) => p.seq))
      expect(a).toEqual(b)
    }
  })

  it('throws InvalidPolicyKey for a NaN key and does not add the item', () => {
    const make = maker()
    const q = new PendingQueue(keyedPolicy('broken', () => Number.NaN))
    expect(() => q.push(make('m'))).toThrow(InvalidPolicyKey)
    expect(q.size).toBe(0)
  })
})

describe('introspection and flush', () => {
  const kinds: [string, Policy][] = [
    ['fifo', fifo],
    ['keyed', byMethod(['b', 'a'])],
    ['function', random(3)],
  ]
  for (const [kind, policy] of kinds) {
    it(`peekAll, remove and clear (${kind})`, () => {
      const make = maker()
      const q = new PendingQueue(policy)
      for (const m of ['a', 'b', 'a', 'c', 'b']) q.push(make(m))
      q.next(undefined, 0)
      const before = q.peekAll()
      expect(before).toHaveLength(4)
      expect(before.map((p) => p.seq)).toEqual([...before.map((p) => p.seq)].sort((x, y) => x - y))
      const removed = q.remove((p) => p.method === 'b')
      expect(removed.every((p) => p.method === 'b')).toBe(true)
      expect(q.peekAll().some((p) => p.method === 'b')).toBe(false)
      expect(q.size + removed.length).toBe(4)
      const left = q.peekAll().length
      expect(drain(q, undefined)).toHaveLength(left)
      q.push(make('d'))
      q.clear()
      expect(q.size).toBe(0)
      expect(q.next(undefined, 0)).toBeUndefined()
    })
  }

  it('leaves the queue intact when the flush predicate throws', () => {
    const make = maker()
    const q = new PendingQueue(earliestDeadlineFirst)
    for (let i = 0; i < 5; i++) q.push(make('m', { deadlineAt: 10 - i }))
    expect(() => q.remove((p) => { if (p.seq === 3) throw new Error('boom'); return true })).toThrow('boom')
    expect(drain(q, undefined).map((p) => p.seq)).toEqual([4, 3, 2, 1, 0])
  })
})

describe('validatePolicy', () => {
  const msg = (p: unknown) => {
    try {
      validatePolicy(p, 'options.scheduler')
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError)
      return (e as Error).message
    }
    return 'no error'
  }

  it('accepts every built-in', () => {
    for (const p of [fifo, random(1), earliestDeadlineFirst, priorityBy(() => 0), byMethod([])]) expect(msg(p)).toBe('no error')
  })

  it('names the argument and says what it got', () => {
    expect(msg(null)).toBe('options.scheduler must be a policy made by definePolicy/keyedPolicy, got null')
    expect(msg({ kind: 'lifo', name: 'x' })).toBe('options.scheduler must be a policy made by definePolicy/keyedPolicy, got an object')
    expect(msg(function pickFirst() {})).toBe(
      "options.scheduler must be a policy made by definePolicy/keyedPolicy, got function pickFirst; wrap it: definePolicy('name', fn)",
    )
    expect(msg({ kind: 'keyed', name: 'k' })).toBe('options.scheduler.key must be a function, got undefined')
    expect(msg({ kind: 'function', name: 'f', choose: () => undefined, args: 1 })).toBe(
      'options.scheduler.args must be a function, got number 1',
    )
    expect(msg({ kind: 'fifo', name: '' })).toBe('options.scheduler.name must be a non-empty string, got ""')
  })

  it('guards the PendingQueue constructor too', () => {
    expect(() => new PendingQueue('fifo' as never)).toThrow('policy must be a policy made by definePolicy/keyedPolicy, got "fifo"')
  })
})

describe('RingBuffer', () => {
  it('peeks at the oldest item without taking it, across growth and wrap-around', () => {
    const r = new RingBuffer<number>(2)
    expect(r.peek()).toBeUndefined()
    r.push(1)
    r.push(2)
    expect(r.shift()).toBe(1)
    r.push(3)
    r.push(4) // grows past 2 while the head is not at 0
    expect(r.peek()).toBe(2)
    expect(r.size).toBe(3)
    expect(r.toArray()).toEqual([2, 3, 4])
    r.clear()
    expect(r.peek()).toBeUndefined()
  })
})
