import { describe, expect, it } from 'vitest'
import { createNode, type InspectionEvent, type Process } from '../src/index.js'
import { exitOf, probe } from './probe.js'

describe('inspection stream', () => {
  it('reports spawn, send, link, monitor, down, exit and pg events in order', async () => {
    const node = createNode({ name: 'i' })
    const events: InspectionEvent[] = []
    const off = node.inspect((e) => events.push(e))
    const w = await probe(node)
    const child = w.ctx.spawnLink(async (ctx: Process) => void (await ctx.receive()))
    const ref = w.ctx.monitor(child)
    node.pg().join('g', child)
    node.send(child, 'bye')
    expect(await w.next()).toEqual({ type: 'DOWN', ref, pid: child, reason: 'normal' })
    const exit = exitOf(node, w.pid)
    node.exit(w.pid, 'kill')
    await exit
    off()
    node.spawn(() => {})
    expect(events.map((e) => e.type)).toEqual([
      'spawn', 'spawn', 'link', 'monitor', 'pg_join', 'send', 'pg_leave', 'exit', 'down', 'exit',
    ])
    expect(events).toContainEqual({ type: 'down', ref, watcher: w.pid, target: child, reason: 'normal' })
  })

  it('is off by default and costs nothing when nobody listens', () => {
    const node = createNode()
    expect(node.inspectors).toBeNull()
    const off = node.inspect(() => {})
    off()
    expect(node.inspectors).toBeNull()
  })
})
