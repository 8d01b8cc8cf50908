/**
 * Cross-node signals: remote spawn (TypeScript under vitest), send, call, cast, names,
 * links, monitors, exit signals and uncloneable messages, on one cluster of the main node
 * and two worker-thread nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CallExited, CallTimeout, NotCloneable, isDownMessage, isExitMessage, nodeOf, type Pid } from '../src/index.js'
import { actorRef, spawnLink, spawnMonitor, SpawnFailed, startCluster, type Cluster } from '../src/cluster/index.js'
import { probe } from './probe.js'
import type * as A from './fixtures/clusterActors.js'

const fixtures = new URL('./fixtures/clusterActors.ts', import.meta.url)
const counter = actorRef<typeof A.counter>(fixtures, 'counter')
const forwarder = actorRef<typeof A.forwarder>(fixtures, 'forwarder')
const exitWith = actorRef<typeof A.exitWith>(fixtures, 'exitWith')
const spawnFrom = actorRef<typeof A.spawnFrom>(fixtures, 'spawnFrom')

let c: Cluster
beforeAll(async () => {
  c = await startCluster({ nodes: 2 })
})
afterAll(async () => {
  await c.stop()
  expect(c.threads()).toBe(0)
})

describe('cluster membership', () => {
  it('names every node and connects all of them', () => {
    expect(c.nodes().sort()).toEqual(['main', 'node1', 'node2'])
    expect(c.node.name).toBe('main')
  })

  it('validates busyWaitUs, and a node that sleeps at once (0) still serves', async () => {
    await expect(startCluster({ busyWaitUs: -1 })).rejects.toThrow(/options\.busyWaitUs must be a non-negative integer, got number -1/)
    await expect(c.startNode({ busyWaitUs: 1.5 })).rejects.toThrow(/options\.busyWaitUs must be a non-negative integer/)
    const name = await c.startNode({ busyWaitUs: 0 })
    const pid = await c.spawn(name, counter, [2])
    expect(await c.node.call(pid, 'get')).toBe(2)
    await c.stopNode(name)
  })
})

describe('remote spawn', () => {
  it('spawns a TypeScript behaviour on another node and talks to it', async () => {
    const pid = await c.spawn('node1', counter, [5])
    expect(nodeOf(pid)).toBe('node1')
    c.node.cast(pid, 3)
    expect(await c.node.call(pid, 'get')).toBe(8)
  })

  it('spawns on its own node too', async () => {
    const pid = await c.spawn('main', counter, [1])
    expect(nodeOf(pid)).toBe('main')
    expect(await c.node.call(pid, 'get')).toBe(1)
  })

  it('rejects with SpawnFailed for a missing export or an unknown node', async () => {
    const err = await c.spawn('node1', actorRef(fixtures, 'nope'), []).catch((e) => e)
    expect(SpawnFailed.is(err)).toBe(true)
    expect(String(err.message)).toMatch(/nope/)
    const err2 = await c.spawn('node9', counter, [0]).catch((e) => e)
    expect(SpawnFailed.is(err2) && err2.reason).toBe('noconnection')
  })

  it('a worker node spawns on another worker node with the free spawn()', async () => {
    const p = await probe(c.node)
    await c.spawn('node1', spawnFrom, ['node2', p.pid])
    const m = (await p.next()) as { pid: Pid; self: string; peers: string[]; value: number }
    expect(nodeOf(m.pid)).toBe('node2')
    expect(m).toMatchObject({ self: 'node1', peers: ['main', 'node2'], value: 7 })
  })

  it('spawnLink and spawnMonitor from a process are atomic', async () => {
    const p = await probe(c.node, { trapExit: true })
    const linked = await spawnLink(p.ctx, 'node2', exitWith, [])
    const { pid, ref } = await spawnMonitor(p.ctx, 'node1', exitWith, [])
    c.node.send(linked, 'bye')
    c.node.send(pid, 'later')
    expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: linked, reason: 'bye' })
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref, pid, reason: 'later' })
  })
})

describe('messages across nodes', () => {
  it('send keeps order per sender and receiver, through two worker nodes', async () => {
    const p = await probe(c.node)
    const back = await c.spawn('node2', forwarder, [p.pid])
    const via = await c.spawn('node1', forwarder, [back])
    for (let i = 0; i < 100; i++) c.node.send(via, i)
    const got: unknown[] = []
    for (let i = 0; i < 100; i++) got.push(((await p.next()) as { m: { m: number } }).m.m)
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('sends, casts and calls to { name, node }', async () => {
    const p = await probe(c.node)
    await c.spawn('node1', forwarder, [p.pid], { name: 'fwd' })
    await c.spawn('node2', counter, [10], { name: 'ctr' })
    c.node.send({ name: 'fwd', node: 'node1' }, 'hello')
    expect(await p.next()).toMatchObject({ m: 'hello' })
    c.node.cast({ name: 'ctr', node: 'node2' }, 5)
    expect(await c.node.call({ name: 'ctr', node: 'node2' }, 'get')).toBe(15)
    const e = await c.node.call({ name: 'nobody', node: 'node2' }, 'get').catch((x) => x)
    expect(CallExited.is(e) && e.reason).toBe('noproc')
  })

  it('a reply may come later (noreply + ctx.reply)', async () => {
    const pid = await c.spawn('node1', counter, [1])
    const later = c.node.call(pid, 'later')
    c.node.cast(pid, 1)
    expect(await later).toBe(2)
  })

  it('call fails with CallExited: crash (error decoded), dead pid, no connection; and times out', async () => {
    const pid = await c.spawn('node1', counter, [0])
    const crash = await c.node.call(pid, 'crash').catch((e) => e)
    expect(CallExited.is(crash)).toBe(true)
    expect((crash as { reason: Error }).reason).toBeInstanceOf(Error)
    expect((crash as { reason: Error }).reason.message).toBe('asked to crash')
    const dead = await c.node.call(pid, 'get').catch((e) => e)
    expect(CallExited.is(dead) && dead.reason).toBe('noproc')
    const nc = await c.node.call('<node9.1>' as Pid, 'get').catch((e) => e)
    expect(CallExited.is(nc) && nc.reason).toBe('noconnection')
    const slow = await c.spawn('node2', counter, [0])
    const t = await c.node.call(slow, 'later', { timeout: 20 }).catch((e) => e)
    expect(CallTimeout.is(t)).toBe(true)
  })
})

describe('links, monitors and exit signals across nodes', () => {
  it('link: the remote exit reason arrives as EXIT; linking a dead remote pid gives noproc', async () => {
    const p = await probe(c.node, { trapExit: true })
    const pid = await c.spawn('node1', exitWith, [])
    p.ctx.link(pid)
    const err = new RangeError('remote crash')
    c.node.send(pid, err)
    const m = (await p.next(isExitMessage)) as { from: Pid; reason: Error }
    expect(m.from).toBe(pid)
    expect(m.reason).toBeInstanceOf(Error)
    expect(m.reason.message).toBe('remote crash')
    p.ctx.link(pid)
    expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: pid, reason: 'noproc' })
  })

  it('link: a local death reaches the remote side (which dies with it)', async () => {
    const p = await probe(c.node, { trapExit: true })
    const victim = await probe(c.node)
    const remote = await c.spawn('node2', exitWith, [])
    p.ctx.link(remote)
    victim.ctx.link(remote)
    c.node.exit(victim.pid, 'boom')
    expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: remote, reason: 'boom' })
  })

  it('monitor: DOWN with the reason; noproc for a dead pid; demonitor stops it', async () => {
    const p = await probe(c.node)
    const pid = await c.spawn('node2', exitWith, [])
    const ref = p.ctx.monitor(pid)
    const quiet = p.ctx.monitor(await c.spawn('node2', exitWith, []))
    expect(p.ctx.demonitor(quiet)).toBe(true)
    c.node.send(pid, 'done')
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref, pid, reason: 'done' })
    const ref2 = p.ctx.monitor(pid)
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref: ref2, pid, reason: 'noproc' })
    expect(p.buffered()).toEqual([])
  })

  it("exit(pid, 'kill') across nodes cannot be trapped: killed", async () => {
    const p = await probe(c.node)
    const pid = await c.spawn('node1', counter, [0], { trapExit: true })
    const ref = p.ctx.monitor(pid)
    p.ctx.exit(pid, 'kill')
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref, pid, reason: 'killed' })
  })
})

describe('uncloneable messages', () => {
  it('fail at the send site with NotCloneable naming the path', async () => {
    const pid = await c.spawn('node1', counter, [0])
    let err: unknown
    try {
      c.node.send(pid, { a: [1, { f: () => 1 }] } as never)
    } catch (e) {
      err = e
    }
    expect(NotCloneable.is(err)).toBe(true)
    expect((err as { path: string }).path).toBe('message.a[1].f')
    expect(() => c.node.cast(pid, Symbol('s') as never)).toThrow(NotCloneable)
    const e2 = await c.node.call(pid, { p: Promise.resolve() } as never).catch((e) => e)
    expect(NotCloneable.is(e2) && e2.path).toBe('request.p')
    // A reply that cannot cross fails the caller, not the callee.
    const e3 = await c.node.call(pid, 'fn').catch((e) => e)
    expect(NotCloneable.is(e3)).toBe(true)
    expect(await c.node.call(pid, 'get')).toBe(0)
  })
})
