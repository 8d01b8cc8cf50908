/**
 * Supervised children on other nodes: started there by module URL + export with their init
 * awaited, restarted there when they crash, and a node going down counts as the child
 * exiting with noconnection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ChildStartFailed,
  actorRef,
  nodeOf,
  startCluster,
  startSupervisor,
  whichChildren,
  type Cluster,
  type Pid,
} from '../src/index.js'
import { exitOf, probe } from './probe.js'
import type * as A from './fixtures/clusterActors.js'

const fixtures = new URL('./fixtures/clusterActors.ts', import.meta.url)
const fragile = actorRef<typeof A.fragile>(fixtures, 'fragile')
const nodeExits = actorRef<typeof A.nodeExits>(fixtures, 'nodeExits')

let c: Cluster
beforeAll(async () => {
  c = await startCluster({ nodes: 2 })
})
afterAll(async () => {
  await c.stop()
})

const remoteChild = (node: string, failInit = false) => ({ id: 'remote', start: { actor: fragile, node, args: [failInit] }, restart: 'permanent' as const })

describe('remote children', () => {
  it('starts a child on another node and restarts it there when it crashes', async () => {
    const sup = await startSupervisor(c.node, { intensity: 3, period: 60_000, children: [remoteChild('node1')] })
    const [first] = await whichChildren(c.node, sup)
    const pid = first!.pid as Pid
    expect(nodeOf(pid)).toBe('node1')
    expect(await c.node.call(pid as Pid<never, 'where', string>, 'where')).toBe('node1')
    const w = await probe(c.node)
    w.ctx.monitor(pid)
    c.node.exit(pid, 'boom')
    await w.next()
    let again: Pid | 'restarting' | undefined
    do again = (await whichChildren(c.node, sup))[0]!.pid
    while (again === pid || again === 'restarting')
    expect(nodeOf(again as Pid)).toBe('node1')
    c.node.exit(sup, 'shutdown')
  })

  it("reports a remote child's failing init as ChildStartFailed with the reason", async () => {
    const err = await startSupervisor(c.node, { children: [remoteChild('node1', true)] }).catch((e: unknown) => e)
    expect(ChildStartFailed.is(err)).toBe(true)
    expect(((err as ChildStartFailed).reason as Error).message).toBe('init refused')
  })

  it('counts its node going down as the child exiting with noconnection', async () => {
    const node = await c.startNode()
    const sup = await startSupervisor(c.node, { intensity: 1, period: 60_000, children: [remoteChild(node)] })
    const child = (await whichChildren(c.node, sup))[0]!.pid as Pid
    // A trapping observer linked to the child sees the same signal the supervisor gets.
    const obs = await probe(c.node, { trapExit: true })
    obs.ctx.link(child)
    const supExit = exitOf(c.node, sup)
    void c.spawn(node, nodeExits)
    expect(await obs.next()).toEqual({ type: 'EXIT', from: child, reason: 'noconnection' })
    // The restart cannot reach the node: restarts exceed the intensity and the supervisor gives up.
    expect(await supExit).toBe('shutdown')
  })

  it('rejects a remote child spec without an actorRef, and an actorRef without a node', () => {
    expect(() => startSupervisor(c.node, { children: [{ id: 'x', start: { actor: (() => {}) as never, node: 'node1' } }] })).toThrow(/must be an actorRef/)
    expect(() => startSupervisor(c.node, { children: [{ id: 'x', start: { actor: fragile } }] })).toThrow(/start.node is required/)
  })
})
