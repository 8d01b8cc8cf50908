/**
 * Nodes in other OS processes, over a real nats-server on 127.0.0.1: they behave like
 * worker-thread nodes (send, call, cast, links, monitors, exit, remote spawn, pg), a
 * `kill -9` is a nodedown within the heartbeat timeout, and a spawn on a node that is gone
 * fails at once through NATS no-responders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KvWatchInclude } from 'nats'
import { CallExited, actorRef, isDownMessage, isExitMessage, isNodeDownMessage, isPgNotification, type Pid } from '@troupe/core'
import { SpawnFailed } from '@troupe/core'
import { NotEncodable, PayloadTooLarge, forkNatsNodes, natsNodeDefaults, startLocalNatsServer, startNatsNode, type ForkedNatsNode, type LocalNatsServer, type NatsNode } from '../src/index.js'
import { natsInstalled, probe } from './harness.js'
import { subjectsOf } from '../src/subjects.js'
import type * as A from './fixtures/actors.js'

const actors = new URL('./fixtures/actors.ts', import.meta.url)
const counter = actorRef<typeof A.counter>(actors, 'counter')
const forwarder = actorRef<typeof A.forwarder>(actors, 'forwarder')
const exitWith = actorRef<typeof A.exitWith>(actors, 'exitWith')
const member = actorRef<typeof A.member>(actors, 'member')
const heartbeat = { interval: 250, timeout: 1000 }
const secret = 'test-secret'

describe.runIf(natsInstalled)('nodes in other processes over NATS', () => {
  let server: LocalNatsServer
  let me: NatsNode
  let kids: ForkedNatsNode[] = []

  beforeAll(async () => {
    server = await startLocalNatsServer()
    me = await startNatsNode({ servers: server.url, cluster: 'c1', secret, name: 'main', heartbeat })
    kids = await forkNatsNodes(2, { servers: server.url, cluster: 'c1', secret, heartbeat, setup: new URL('./fixtures/setup.ts', import.meta.url) })
    await me.waitForNodes(2)
  }, 30_000)

  afterAll(async () => {
    await Promise.all(kids.map((k) => k.stop()))
    await me?.stop()
    await server?.stop()
  })

  it('sees the other processes as nodes, with a per-start incarnation in their ids', () => {
    expect(me.nodes().sort()).toEqual(kids.map((k) => k.name).sort())
    expect(me.name).toMatch(/^main@[0-9a-f]{8}$/)
    expect(me.nodeNamed('node1')).toBe(kids[0]!.name)
  })

  it('spawns remotely, then sends, casts and calls across processes', async () => {
    const b = kids[0]!.name
    const pid = await me.spawn(b, counter, [1])
    me.node.cast(pid, 41)
    expect(await me.node.call(pid, 'get')).toBe(42)
    // { name, node } across processes; the setup module registered 'counter'.
    expect(await me.node.call({ name: 'counter', node: b }, 'get')).toBe(100)
    const p = await probe(me.node)
    const f = await me.spawn(b, forwarder, [p.pid])
    const value = { map: new Map([[1, new Set(['x'])]]), date: new Date(7), bytes: new Uint8Array([1, 2, 3]), big: 2n ** 70n }
    me.node.send(f, value)
    expect(await p.next()).toEqual({ from: f, m: value })
  })

  it('fails a call when the callee crashes, with the reason from the other process', async () => {
    const pid = await me.spawn(kids[0]!.name, counter, [0])
    await expect(me.node.call(pid, 'crash')).rejects.toSatisfy((e) => CallExited.is(e))
  })

  it('links, monitors and exit signals cross processes', async () => {
    const b = kids[1]!.name
    const p = await probe(me.node)
    p.ctx.trapExit(true)
    const x = await me.spawn(b, exitWith, [])
    p.ctx.link(x)
    const y = await me.spawn(b, exitWith, [])
    const ref = p.ctx.monitor(y)
    me.node.send(x, 'bye')
    me.node.send(y, { custom: 1 })
    expect(await p.next(isExitMessage)).toMatchObject({ from: x, reason: 'bye' })
    expect(await p.next(isDownMessage)).toMatchObject({ ref, pid: y, reason: { custom: 1 } })
    // exit/2 to a remote pid; monitoring a dead remote pid gives noproc.
    const z = await me.spawn(b, counter, [0])
    const r2 = p.ctx.monitor(z)
    me.node.exit(z, 'kill')
    expect(await p.next(isDownMessage)).toMatchObject({ ref: r2, reason: 'killed' })
    const r3 = p.ctx.monitor(z)
    expect(await p.next(isDownMessage)).toMatchObject({ ref: r3, reason: 'noproc' })
  })

  it('pg groups span processes, with monitors', async () => {
    const p = await probe(me.node)
    const { pids } = me.node.pg().monitor(p.pid, 'workers')
    expect(pids).toEqual([])
    const m1 = await me.spawn(kids[0]!.name, member, ['workers'])
    const m2 = await me.spawn(kids[1]!.name, member, ['workers'])
    const joined = new Set<Pid>()
    while (joined.size < 2) {
      const n = await p.next<{ type: string; pids: Pid[] }>(isPgNotification)
      if (n.type === 'pg_join') for (const x of n.pids) joined.add(x)
    }
    expect([...joined].sort()).toEqual([m1, m2].sort())
    expect([...me.node.pg().getMembers('workers')].sort()).toEqual([m1, m2].sort())
    me.node.send(m1, 'leave')
    expect(await p.next(isPgNotification)).toMatchObject({ type: 'pg_leave', pids: [m1] })
  })

  it('refuses at the send site what cannot be encoded or is over the max payload', async () => {
    const pid = await me.spawn(kids[0]!.name, counter, [0])
    expect(() => me.node.send(pid, { big: 'x'.repeat(2 * 1024 * 1024) } as never)).toThrow(PayloadTooLarge)
    await expect(me.node.call(pid, new Uint8Array(2 * 1024 * 1024) as never)).rejects.toBeInstanceOf(PayloadTooLarge)
    expect(() => me.node.send(pid, { s: Symbol('no') } as never)).toThrow()
    expect(NotEncodable.name).toBe('NotEncodable')
  })

  it('registers global names with compare-and-set: one winner among racing nodes', async () => {
    const a = me.node.spawn(async (ctx) => void (await ctx.receive()))
    const b = me.node.spawn(async (ctx) => void (await ctx.receive()))
    const wins = await Promise.all([me.registerGlobal('leader', a), me.registerGlobal('leader', b)])
    expect(wins.filter(Boolean)).toHaveLength(1)
    const winner = wins[0] ? a : b
    expect(await me.whereisGlobal('leader')).toBe(winner)
    // The holder exits: the name is released (its key deleted), and can be taken again.
    const kv = await me.connection.jetstream().views.kv(subjectsOf(natsNodeDefaults.subjectPrefix, 'c1').kv)
    const watch = await kv.watch({ key: Buffer.from('leader').toString('base64url'), include: KvWatchInclude.UpdatesOnly })
    me.node.exit(winner, 'kill')
    for await (const e of watch) if (e.operation === 'DEL') break
    const other = winner === a ? b : a
    expect(await me.registerGlobal('leader', other)).toBe(true)
    expect(await me.whereisGlobal('leader')).toBe(other)
  })

  it('a process killed with SIGKILL is a nodedown within the heartbeat timeout, with all its signals', async () => {
    const victim = kids[1]!
    const p = await probe(me.node)
    p.ctx.trapExit(true)
    const x = await me.spawn(victim.name, counter, [0])
    const y = await me.spawn(victim.name, counter, [0])
    p.ctx.link(x)
    const ref = p.ctx.monitor(y)
    me.monitorNode(p.pid, victim.name)
    victim.process.kill('SIGKILL')
    const pending = me.node.call(x, 'get', { timeout: 60_000 })
    const down = await p.next<{ node: string; reason: unknown }>(isNodeDownMessage)
    // The reason says it was the heartbeat window that found it; how long that takes is a
    // benchmark figure (nats.nodedown_detect_ms), not a test assertion.
    expect(down).toMatchObject({ node: victim.name, reason: 'net_tick_timeout' })
    expect(await p.next(isExitMessage)).toMatchObject({ from: x, reason: 'noconnection' })
    expect(await p.next(isDownMessage)).toMatchObject({ ref, pid: y, reason: 'noconnection' })
    await expect(pending).rejects.toSatisfy((e) => CallExited.is(e) && e.reason === 'noconnection')
    expect(me.nodes()).not.toContain(victim.name)
  })

  it('a spawn on a node that is gone fails at once through NATS no-responders, not by timeout', async () => {
    const victim = kids[0]!
    const p = await probe(me.node)
    me.monitorNode(p.pid, victim.name)
    victim.process.kill('SIGKILL')
    // Wait for the event the fast path relies on: the server has dropped the dead node's
    // interest, which a raw request to its subject sees as "no responders".
    await noInterest(me, subjectsOf(natsNodeDefaults.subjectPrefix, 'c1').data(victim.name))
    await expect(me.spawn(victim.name, counter, [0])).rejects.toSatisfy((e) => SpawnFailed.is(e) && e.reason === 'noconnection')
    // The reason shows the fast path: NATS no-responders, not the heartbeat window.
    expect(await p.next(isNodeDownMessage)).toMatchObject({ node: victim.name, reason: 'no_responders' })
  })
})

/** Resolves once the NATS server has no subscriber left on `subject`. */
async function noInterest(n: NatsNode, subject: string): Promise<void> {
  for (;;) {
    try {
      // While the dead connection's interest lingers, the request just times out (nobody answers).
      await n.connection.request(subject, new Uint8Array(0), { timeout: 50, noMux: true })
    } catch (e) {
      if ((e as { code?: string }).code === '503') return
    }
  }
}
