/**
 * A local cluster: the main thread's node plus four worker-thread nodes, all connected.
 * Spawns a worker actor on every node (they join the pg group `workers`), calls each one
 * across threads, then crashes one node and shows what the survivors see: DOWN for the
 * monitored actor, a pg leave for its members, and `nodedown`.
 *
 * Run: pnpm tsx examples/cluster/main.ts
 */
import { actorRef, isDownMessage, isNodeDownMessage, isPgNotification, startCluster, type Pid, type Process } from '@troupe/core'
import type * as W from './worker.js'

const workerRef = actorRef<typeof W.worker>(new URL('./worker.ts', import.meta.url), 'worker')
const crashRef = actorRef<typeof W.crashNode>(new URL('./worker.ts', import.meta.url), 'crashNode')

const cluster = await startCluster({ nodes: 4 })
console.log(`nodes: ${cluster.nodes().join(', ')}`)

const pids: Pid[] = []
for (const [i, n] of cluster.nodes().entries()) pids.push(await cluster.spawn(n, workerRef, [i]))
for (const pid of pids) console.log(await cluster.node.call(pid, 'job'))

const victim = 'node2'
const done = new Promise<void>((resolve) => {
  // An observer on the main node: monitors the worker on the victim node, the pg group and the node.
  cluster.node.spawn(async (ctx: Process) => {
    const pg = ctx.node.pg()
    const { pids: members } = pg.monitor(ctx.self, 'workers')
    console.log(`workers group: ${members.length} members`)
    ctx.monitor(pids.find((p) => p.startsWith(`<${victim}.`))!)
    cluster.monitorNode(ctx, victim)
    void cluster.spawn(victim, crashRef)
    let seen = 0
    while (seen < 3) {
      const m = await ctx.receive()
      if (isDownMessage(m)) console.log(`DOWN: ${m.pid} (${String(m.reason)})`)
      else if (isPgNotification(m)) console.log(`pg ${m.type}: ${m.pids.join(', ')} left ${String(m.group)}; ${pg.getMembers('workers').length} members remain`)
      else if (isNodeDownMessage(m)) console.log(`nodedown: ${m.node} (${String(m.reason)})`)
      else continue
      seen++
    }
    resolve()
  })
})
await done
console.log(`nodes: ${cluster.nodes().join(', ')}`)
await cluster.stop()
console.log('cluster stopped')
