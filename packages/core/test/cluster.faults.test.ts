/**
 * Node failure: a worker-thread node that throws, exits, hangs or runs out of memory is a
 * node down. Pending calls reject, links and monitors fire with `noconnection`, its pg
 * members leave, node monitors get `nodedown`. Each scenario is one fixture that ends its
 * node in one specific way.
 */
import { describe, expect, it } from 'vitest'
import { CallExited, createManualClock, isDownMessage, isExitMessage, isPgNotification, type Pid } from '../src/index.js'
import { actorRef, isNodeDownMessage, NodeBootFailed, startCluster, type ClusterOptions } from '../src/cluster/index.js'
import { probe } from './probe.js'
import type * as A from './fixtures/clusterActors.js'

const fixtures = new URL('./fixtures/clusterActors.ts', import.meta.url)
const counter = actorRef<typeof A.counter>(fixtures, 'counter')
const exitWith = actorRef<typeof A.exitWith>(fixtures, 'exitWith')
const member = actorRef<typeof A.member>(fixtures, 'member')
const relayDown = actorRef<typeof A.relayDown>(fixtures, 'relayDown')
const kill = (how: string) => actorRef<() => void>(fixtures, how)

async function nodeLoss(how: string, opts: ClusterOptions = {}, nodeOpts = {}): Promise<unknown> {
  const c = await startCluster(opts)
  try {
    const n = await c.startNode(nodeOpts)
    const p = await probe(c.node, { trapExit: true })
    c.monitorNode(p.pid, n)
    const linked = await c.spawn(n, exitWith, [])
    p.ctx.link(linked)
    const watched = await c.spawn(n, exitWith, [])
    const ref = p.ctx.monitor(watched)
    const { ref: pgRef } = c.node.pg().monitor(p.pid, 'g')
    await c.spawn(n, member, ['g'])
    const joined = (await p.next(isPgNotification)) as { type: string; pids: Pid[] }
    expect(joined).toMatchObject({ type: 'pg_join', ref: pgRef })
    const pending = c.node.call(await c.spawn(n, counter, [0]), 'later', { timeout: Infinity })
    const settled = pending.then(
      () => 'resolved',
      (e: unknown) => e,
    )

    await c.spawn(n, kill(how))

    const down = (await p.next(isNodeDownMessage)) as { node: string; reason: unknown }
    expect(down.node).toBe(n)
    expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: linked, reason: 'noconnection' })
    expect(await p.next(isDownMessage)).toEqual({ type: 'DOWN', ref, pid: watched, reason: 'noconnection' })
    expect(await p.next(isPgNotification)).toMatchObject({ type: 'pg_leave', ref: pgRef, pids: joined.pids })
    const e = await settled
    expect(CallExited.is(e) && e.reason).toBe('noconnection')
    expect(c.node.pg().getMembers('g')).toEqual([])
    expect(c.nodes()).toEqual(['main'])
    return down.reason
  } finally {
    await c.stop()
    expect(c.threads()).toBe(0)
  }
}

describe('node failure', () => {
  it('a node whose thread throws is down', async () => {
    const reason = await nodeLoss('nodeThrows')
    expect((reason as Error).message).toBe('node blew up')
  })

  it('a node that calls process.exit is down', async () => {
    expect(await nodeLoss('nodeExits')).toBe('exit code 3')
  })

  it('a node that runs out of memory is down', async () => {
    const reason = await nodeLoss('nodeOom', {}, { resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } })
    expect((reason as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY')
  })

  it('a node that stops answering the heartbeat is terminated and down', async () => {
    expect(await nodeLoss('nodeHangs', { heartbeat: { interval: 50, timeout: 1000 } })).toBe('heartbeat timeout')
  })

  it('the heartbeat runs on the injected clock', async () => {
    const clock = createManualClock()
    const c = await startCluster({ nodes: 1, clock, heartbeat: { interval: 100, timeout: 1000 } })
    try {
      const p = await probe(c.node)
      c.monitorNode(p.pid, 'node1')
      // No pong can arrive within one synchronous advance: the node is silent for > timeout.
      clock.advance(1200)
      expect(await p.next(isNodeDownMessage)).toEqual({ type: 'nodedown', node: 'node1', reason: 'heartbeat timeout' })
    } finally {
      await c.stop()
    }
  })

  it('nodes other than the main one see the loss too (worker to worker monitor)', async () => {
    const c = await startCluster({ nodes: 2 })
    try {
      const p = await probe(c.node)
      const target = await c.spawn('node2', exitWith, [])
      await c.spawn('node1', relayDown, [target, p.pid])
      await c.spawn('node2', kill('nodeExits'))
      expect(await p.next()).toMatchObject({ type: 'DOWN', pid: target, reason: 'noconnection' })
    } finally {
      await c.stop()
    }
  })

  it('a node that fails while booting reports why', async () => {
    const c = await startCluster()
    try {
      const e = await c.startNode({ setup: new URL('./fixtures/bootThrows.ts', import.meta.url) }).catch((x) => x)
      expect(NodeBootFailed.is(e)).toBe(true)
      expect((e as { reason: Error }).reason.message).toBe('setup failed on purpose')
      expect(c.nodes()).toEqual(['main'])
    } finally {
      await c.stop()
    }
    const e2 = await startCluster({ nodes: 1, nodeDefaults: { setup: new URL('./fixtures/bootThrows.ts', import.meta.url) } }).catch((x) => x)
    expect(NodeBootFailed.is(e2)).toBe(true)
  })

  it("a setup module may already send to the parent's node", async () => {
    const c = await startCluster()
    try {
      const p = await probe(c.node, { name: 'setupProbe' })
      const name = await c.startNode({ setup: new URL('./fixtures/setupSends.ts', import.meta.url) })
      expect(await p.next()).toEqual({ setupOf: name })
    } finally {
      await c.stop()
    }
  })

  it('a node stopped gracefully: processes exit with shutdown, then nodedown with shutdown', async () => {
    const c = await startCluster({ nodes: 2 })
    try {
      const p = await probe(c.node, { trapExit: true })
      c.monitorNodes(p.pid)
      const pid = await c.spawn('node2', exitWith, [])
      p.ctx.link(pid)
      const ref = p.ctx.monitor(await c.spawn('node2', counter, [0]))
      await c.stopNode('node2')
      expect(await p.next(isExitMessage)).toEqual({ type: 'EXIT', from: pid, reason: 'shutdown' })
      expect(await p.next(isDownMessage)).toMatchObject({ ref, reason: 'shutdown' })
      expect(await p.next(isNodeDownMessage)).toEqual({ type: 'nodedown', node: 'node2', reason: 'shutdown' })
      expect(c.nodes()).toEqual(['main', 'node1'])
      const n = await c.startNode()
      expect(await p.next((m) => (m as { type?: string }).type === 'nodeup')).toEqual({ type: 'nodeup', node: n })
    } finally {
      await c.stop()
    }
    expect(c.threads()).toBe(0)
  })
})
