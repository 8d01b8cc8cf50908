/**
 * Members on other nodes: worker-thread nodes of a local cluster each join the pool; the
 * main node's view finds them through pg, places by their load reports and reaches them by
 * `call`. A node that dies mid-run loses only its own tasks, which are re-placed.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { actorRef, startCluster, type Cluster } from '@troupe/core'
import { TaskFailed, call, closePool, openPool, stats, type Pool } from '../src/index.js'
import { add, stepwise, throwRange, tracked } from './tasks.js'
import type * as H from './fixtures/clusterHost.js'

const hostUrl = new URL('./fixtures/clusterHost.ts', import.meta.url)
const host = actorRef<typeof H.memberHost>(hostUrl, 'memberHost')
const crash = actorRef<typeof H.crashNode>(hostUrl, 'crashNode')
let cluster: Cluster
let pool: Pool

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 })
  pool = openPool(cluster.node, 'remote')
  for (const n of cluster.nodes()) if (n !== cluster.node.name) await cluster.spawn(n, host, ['remote', { min: 1, max: 1, maxConcurrency: 4 }])
  // Capacities arrive by message (each member's info, then its load reports).
  await vi.waitFor(() => expect(stats(pool).members.map((m) => m.capacity)).toEqual([4, 4]), { timeout: 10_000 })
}, 30_000)
afterAll(async () => {
  closePool(pool)
  await cluster.stop()
})

it('calls run on members of other nodes; errors keep their remote name and stack', async () => {
  expect(await call(pool, add, [20, 22])).toBe(42)
  const err = await call(pool, throwRange, ['far away']).catch((e: unknown) => e)
  expect(TaskFailed.is(err)).toBe(true)
  expect((err as TaskFailed).remote).toMatchObject({ name: 'RangeError', message: 'far away' })
  expect((err as TaskFailed).remote.stack).toMatch(/fixtures\/tasks\.ts/)
})

it('progress from a task on another node reaches the caller in order, before the result', async () => {
  const seen: unknown[] = []
  expect(await call(pool, stepwise, [5], { onProgress: (v) => seen.push(v) })).toBe('done')
  expect(seen).toEqual([0.2, 0.4, 0.6, 0.8, 1])
})

it('a node that dies halfway loses no task: each settles once, its tasks are re-placed', async () => {
  const total = 2000
  const runs = new Int32Array(new SharedArrayBuffer(4 * total))
  const settled = new Int32Array(total)
  const victim = stats(pool).members[0]!.node
  const failedBefore = stats(pool).failed
  let done = 0
  const all = Array.from({ length: total }, (_, i) =>
    call(pool, tracked, [runs, i, 0]).then((v) => {
      settled[i]!++
      if (++done === total / 2) void cluster.spawn(victim, crash)
      return v
    }),
  )
  const results = await Promise.all(all)
  expect(results.every((v, i) => v === i)).toBe(true)
  expect(settled.every((n) => n === 1)).toBe(true)
  for (let i = 0; i < total; i++) expect(runs[i]).toBeGreaterThanOrEqual(1)
  const s = stats(pool)
  expect(s).toMatchObject({ pending: 0, running: 0, failed: failedBefore })
  expect(s.members.map((m) => m.node)).not.toContain(victim)
})
