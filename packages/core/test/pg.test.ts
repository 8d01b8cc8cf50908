import { describe, expect, it } from 'vitest'
import { createNode, isPgNotification, type Pid, type Process } from '../src/index.js'
import { deferred, probe, settle } from './probe.js'

describe('pg', () => {
  it('join is refcounted, leave answers not_joined, members appear once per join', async () => {
    const node = createNode()
    const pg = node.pg()
    const a = await probe(node)
    const b = await probe(node)
    expect(pg.join('workers', a.pid)).toBe('ok')
    pg.join('workers', [a.pid, b.pid])
    expect([...pg.getMembers('workers')].sort()).toEqual([a.pid, a.pid, b.pid].sort())
    expect(pg.leave('workers', a.pid)).toBe('ok')
    expect(pg.getMembers('workers')).toEqual([a.pid, b.pid])
    expect(pg.leave('workers', a.pid)).toBe('ok')
    expect(pg.leave('workers', a.pid)).toBe('not_joined')
    expect(pg.leave('nosuch', a.pid)).toBe('not_joined')
    expect(pg.getLocalMembers('workers')).toEqual([b.pid])
  })

  it('scopes are independent and whichGroups lists only non-empty groups', async () => {
    const node = createNode()
    const a = await probe(node)
    node.pg('one').join('g', a.pid)
    node.pg('one').join(['tuple', 1], a.pid)
    expect(node.pg('two').getMembers('g')).toEqual([])
    expect(node.pg('one').whichGroups()).toEqual(['g', ['tuple', 1]])
    node.pg('one').leave('g', a.pid)
    expect(node.pg('one').whichGroups()).toEqual([['tuple', 1]])
    expect(node.pg('one').whichLocalGroups()).toEqual([['tuple', 1]])
  })

  it('only local pids may join', async () => {
    const node = createNode({ name: 'here' })
    expect(() => node.pg().join('g', '<there.1>' as Pid)).toThrow(RangeError)
    expect(() => node.pg().join('g', 'x' as Pid)).toThrow(TypeError)
  })

  it('a dead member leaves every group, once per join, before DOWN goes out', async () => {
    const node = createNode()
    const pg = node.pg()
    const m = await probe(node)
    pg.join('a', m.pid)
    pg.join('a', m.pid)
    pg.join('b', m.pid)
    const seenAtDown = deferred<readonly Pid[]>()
    node.spawn(async (ctx: Process) => {
      ctx.monitor(m.pid)
      await ctx.receive()
      seenAtDown.resolve(pg.getMembers('a'))
    })
    await settle()
    node.exit(m.pid, 'kill')
    expect(await seenAtDown.promise).toEqual([])
    expect(pg.whichGroups()).toEqual([])
  })

  it('monitor(group) gives a snapshot and then join/leave notifications', async () => {
    const node = createNode()
    const pg = node.pg()
    const w = await probe(node)
    const a = await probe(node)
    pg.join('g', a.pid)
    const { ref, pids } = pg.monitor(w.pid, 'g')
    expect(pids).toEqual([a.pid])
    const b = await probe(node)
    pg.join('g', b.pid)
    pg.join('other', b.pid)
    expect(await w.next()).toEqual({ type: 'pg_join', ref, scope: 'default', group: 'g', pids: [b.pid] })
    node.exit(a.pid, 'kill')
    const leave = await w.next()
    expect(leave).toEqual({ type: 'pg_leave', ref, scope: 'default', group: 'g', pids: [a.pid] })
    expect(isPgNotification(leave)).toBe(true)
    expect(w.buffered()).toEqual([])
  })

  it('monitorScope sees every group; demonitor stops and flushes notifications', async () => {
    const node = createNode()
    const pg = node.pg('s')
    const a = await probe(node)
    pg.join('x', a.pid)
    const ctxP = deferred<Process>()
    // A watcher that does not consume notifications, so they stay queued.
    const w = node.spawn(async (ctx: Process) => {
      ctxP.resolve(ctx)
      await ctx.receive((m) => m === 'never')
    })
    await ctxP.promise
    const { ref, groups } = pg.monitorScope(w)
    expect(groups).toEqual(new Map([['x', [a.pid]]]))
    pg.join('y', a.pid)
    pg.leave('x', a.pid)
    expect(node.processInfo(w)!.mailboxLength).toBe(2)
    expect(pg.demonitor(w, ref)).toBe('ok')
    expect(node.processInfo(w)!.mailboxLength).toBe(0)
    pg.join('z', a.pid)
    expect(node.processInfo(w)!.mailboxLength).toBe(0)
    expect(pg.demonitor(w, ref)).toBe(false)
  })

  it('a dead watcher leaves no monitor behind', async () => {
    const node = createNode()
    const pg = node.pg()
    const w = await probe(node)
    pg.monitorScope(w.pid)
    const a = await probe(node)
    node.exit(w.pid, 'kill')
    expect(() => pg.join('g', a.pid)).not.toThrow()
  })
})
