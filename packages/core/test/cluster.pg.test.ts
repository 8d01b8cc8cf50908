/**
 * pg across nodes, like Erlang's: scopes sync on nodeup, joins and leaves propagate,
 * monitors see remote changes, and all members of a node that goes down leave at once.
 */
import { describe, expect, it } from 'vitest'
import { isPgNotification, nodeOf, type Pid } from '../src/index.js'
import { actorRef, startCluster } from '../src/cluster/index.js'
import { probe } from './probe.js'
import type * as A from './fixtures/clusterActors.js'

const fixtures = new URL('./fixtures/clusterActors.ts', import.meta.url)
const member = actorRef<typeof A.member>(fixtures, 'member')
const awaitMembers = actorRef<typeof A.awaitMembers>(fixtures, 'awaitMembers')
const nodeExits = actorRef<() => void>(fixtures, 'nodeExits')

describe('pg across nodes', () => {
  it('syncs on nodeup, propagates joins and leaves, and drops a lost node’s members at once', async () => {
    const c = await startCluster({ nodes: 2 })
    try {
      const p = await probe(c.node)
      const pg = c.node.pg()
      const { ref } = pg.monitor(p.pid, 'workers')
      const local = await probe(c.node)
      pg.join('workers', local.pid)
      expect(await p.next(isPgNotification)).toMatchObject({ type: 'pg_join', ref, pids: [local.pid] })

      const a = await c.spawn('node1', member, ['workers'])
      const b1 = await c.spawn('node2', member, ['workers'])
      const b2 = await c.spawn('node2', member, ['workers'])
      const joins: Pid[] = []
      while (joins.length < 3) joins.push(...((await p.next(isPgNotification)) as { pids: Pid[] }).pids)
      expect(joins.sort()).toEqual([a, b1, b2].sort())
      expect([...pg.getMembers('workers')].sort()).toEqual([local.pid, a, b1, b2].sort())
      expect(pg.getLocalMembers('workers')).toEqual([local.pid])

      // A node that joins later gets every node's members through the nodeup sync.
      const n3 = await c.startNode()
      const seen = await probe(c.node)
      await c.spawn(n3, awaitMembers, ['workers', 4, seen.pid])
      const view = (await seen.next()) as { node: string; members: Pid[] }
      expect(view.node).toBe(n3)
      expect(view.members.sort()).toEqual([local.pid, a, b1, b2].sort())

      // A leave propagates (the member exits normally, which leaves its groups).
      c.node.send(a, 'leave')
      expect(await p.next(isPgNotification)).toMatchObject({ type: 'pg_leave', ref, pids: [a] })

      // node2 dies: both of its members leave in one notification, on every node.
      await c.spawn('node2', nodeExits)
      const left = (await p.next(isPgNotification)) as { type: string; pids: Pid[] }
      expect(left.type).toBe('pg_leave')
      expect([...left.pids].sort()).toEqual([b1, b2].sort())
      expect(pg.getMembers('workers')).toEqual([local.pid])
      expect(pg.getMembers('workers').map(nodeOf)).toEqual(['main'])
    } finally {
      await c.stop()
    }
  })
})
