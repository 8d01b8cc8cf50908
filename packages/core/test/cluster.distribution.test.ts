/**
 * The distribution layer on an in-memory transport, in one thread: nothing above the
 * Transport interface needs worker_threads (NATS will implement the same interface), and
 * the rules can be tested without starting threads. Plus the send-site cloneability walk.
 */
import { describe, expect, it } from 'vitest'
import { CallExited, NotCloneable, createNode, defineBehaviour, isDownMessage, isExitMessage, isPgNotification, reply, type Node } from '../src/index.js'
import { Distribution, isNodeDownMessage, type Transport } from '../src/cluster/index.js'
import { assertCloneable } from '../src/cluster/cloneable.js'
import { probe } from './probe.js'

/** Batches are structured-cloned and delivered in a later microtask, as a port would. */
class MemoryTransport implements Transport {
  readonly links = new Map<string, MemoryTransport>()
  private onMsg: (peer: string, batch: unknown[]) => void = () => {}
  batches = 0
  /** The last batch sent, as posted. */
  last: unknown[] = []
  /** A batch holding a field this accepts is refused as a port refuses an uncloneable one. */
  refuse: (field: unknown) => boolean = () => false
  constructor(readonly name: string) {}
  connect(peer: string, link: unknown): void {
    this.links.set(peer, link as MemoryTransport)
  }
  send(peer: string, batch: unknown[]): void {
    const to = this.links.get(peer)
    if (to === undefined) return
    if (batch.some(this.refuse)) throw new DOMException('refused', 'DataCloneError')
    this.batches++
    this.last = batch
    const copy = structuredClone(batch)
    queueMicrotask(() => to.onMsg(this.name, copy))
  }
  onMessage(h: (peer: string, batch: unknown[]) => void): void {
    this.onMsg = h
  }
  onDown(): void {}
  disconnect(peer: string): void {
    this.links.delete(peer)
  }
}

function pair(): { a: Node; b: Node; da: Distribution; db: Distribution; ta: MemoryTransport } {
  const a = createNode({ name: 'a' })
  const b = createNode({ name: 'b' })
  const ta = new MemoryTransport('a')
  const tb = new MemoryTransport('b')
  const da = new Distribution(a, ta)
  const db = new Distribution(b, tb)
  da.connect('b', tb)
  db.connect('a', ta)
  return { a, b, da, db, ta }
}

const echo = defineBehaviour({
  init: () => null,
  handleCall: (req: unknown, _f, s) => reply(req, s),
})

describe('distribution on an in-memory transport', () => {
  it('batches a turn of sends into one batch per peer, in order', async () => {
    const { a, b, ta } = pair()
    const p = await probe(b)
    const before = ta.batches
    for (let i = 0; i < 100; i++) a.send(p.pid, i)
    await Promise.resolve()
    await Promise.resolve()
    expect(ta.batches - before).toBe(1)
    const got: unknown[] = []
    for (let i = 0; i < 100; i++) got.push(await p.next())
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('names a target once per run of sends to it, keeping each pair in order', async () => {
    const { a, b, ta } = pair()
    const p = await probe(b)
    const q = await probe(b)
    for (let i = 0; i < 3; i++) a.send(p.pid, i)
    a.send(q.pid, 'q')
    a.send(p.pid, 3)
    a.cast(p.pid, 'cast')
    a.send(p.pid, 4)
    await Promise.resolve()
    expect(ta.last.filter((f) => f === p.pid)).toHaveLength(4) // runs 0-2, 3, the cast, 4
    const got: unknown[] = []
    for (let i = 0; i < 6; i++) got.push(await p.next())
    expect(got).toEqual([0, 1, 2, 3, expect.objectContaining({ message: 'cast' }), 4])
    expect(await q.next()).toBe('q')
  })

  it('when a port refuses a batch, loses only the refused message of a run', async () => {
    const { a, b, ta } = pair()
    const p = await probe(b)
    const bad = { refused: true }
    ta.refuse = (f) => f === bad
    a.send(p.pid, 1)
    a.send(p.pid, bad)
    a.send(p.pid, 3)
    await Promise.resolve()
    expect(await p.next()).toBe(1)
    expect(await p.next()).toBe(3)
  })

  it('call and reply cross; CallExited noconnection when the peer goes down mid-call', async () => {
    const { a, b, da } = pair()
    const pid = b.spawn(echo)
    expect(await a.call(pid, { x: 1 })).toEqual({ x: 1 })
    const late = b.spawn(defineBehaviour({ init: () => null, handleCall: () => new Promise<never>(() => {}) }))
    const pending = a.call(late, 'wait', { timeout: Infinity }).catch((e) => e)
    await new Promise((r) => setImmediate(r))
    da.nodeDown('b', 'test')
    const e = await pending
    expect(CallExited.is(e) && e.reason).toBe('noconnection')
  })

  it('links, monitors, pg and node monitors all see a nodedown', async () => {
    const { a, b, da } = pair()
    const p = await probe(a, { trapExit: true })
    const remote = b.spawn(echo)
    const member = await probe(b)
    b.pg().join('g', member.pid)
    p.ctx.link(remote)
    const ref = p.ctx.monitor(remote)
    da.monitorNode(p.pid, 'b')
    const { ref: pgRef } = a.pg().monitor(p.pid, 'g')
    while (a.pg().getMembers('g').length === 0) await p.next(isPgNotification)
    await new Promise((r) => setImmediate(r))
    da.nodeDown('b', 'gone')
    expect(await p.next(isPgNotification)).toMatchObject({ type: 'pg_leave', ref: pgRef, pids: [member.pid] })
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref, pid: remote, reason: 'noconnection' })
    expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: remote, reason: 'noconnection' })
    expect(await p.next(isNodeDownMessage)).toEqual({ type: 'nodedown', node: 'b', reason: 'gone' })
    expect(da.nodes()).toEqual([])
  })
})

describe('assertCloneable', () => {
  it.each([
    [{ f: () => 1 }, 'm.f'],
    [[1, 2, Symbol('x')], 'm[2]'],
    [{ a: { b: [{ c: Promise.resolve() }] } }, 'm.a.b[0].c'],
    [new Map([['k', { w: new WeakMap() }]]), 'm.get("k").w'],
    [new Set([1, () => 2]), 'm.values[1]'],
  ])('names the path of what cannot cross (%#)', (value, path) => {
    let err: unknown
    try {
      assertCloneable(value, 'm')
    } catch (e) {
      err = e
    }
    expect(NotCloneable.is(err) && err.path).toBe(path)
  })

  it.each([[1], ['s'], [null], [{ a: [1, { b: new Date(0) }] }], [new Uint8Array(4)], [new Error('e')], [new Map([[1, new Set([2])]])]])(
    'lets cloneable values through (%#)',
    (value) => {
      expect(() => assertCloneable(value, 'm')).not.toThrow()
    },
  )

  it('handles cycles and deep data through the structuredClone fallback', () => {
    const cyc: { self?: unknown } = {}
    cyc.self = cyc
    expect(() => assertCloneable(cyc, 'm')).not.toThrow()
    const wide: { l?: unknown; r?: unknown } = {}
    wide.l = wide.r = wide
    expect(() => assertCloneable(wide, 'm')).not.toThrow()
    let deep: unknown = () => 1
    for (let i = 0; i < 50; i++) deep = { d: deep }
    expect(() => assertCloneable(deep, 'm')).toThrow(NotCloneable)
  })
})
