/**
 * A troupe cluster of three OS processes over NATS: this process plus two forked ones, each a
 * node. A pool spreads over all three (its members talk through pg and call, so they work
 * over any transport), an actor is spawned in another process by module URL, a cluster-wide
 * name is taken with compare-and-set, and a `kill -9` of one process is a nodedown.
 *
 * It starts its own nats-server on 127.0.0.1 (or uses TROUPE_NATS_URL), and skips when
 * nats-server is not installed. Run: pnpm tsx examples/nats-cluster/main.ts
 */
import { actorRef, isNodeDownMessage, type Process } from '@troupe/core'
import { call, closePool, defineTask, execute, openPool, startPoolMember, stats, type ExecuteStatus } from '@troupe/pool'
import { findNatsServer, forkNatsNodes, startLocalNatsServer, startNatsNode, type LocalNatsServer } from '@troupe/nats'
import type * as Work from './work.js'

const work = new URL('./work.ts', import.meta.url)
const fib = defineTask<typeof Work.fib>(work, 'fib')
const counter = actorRef<typeof Work.counter>(work, 'counter')

let server: LocalNatsServer | null = null
let url = process.env.TROUPE_NATS_URL
if (url === undefined) {
  if (findNatsServer() === null) {
    console.log('skipped: nats-server is not installed (apt-get install nats-server), and TROUPE_NATS_URL is not set')
    process.exit(0)
  }
  server = await startLocalNatsServer()
  url = server.url
}
const cluster = `example${process.pid}`
const secret = 'example-secret' // in production: from the environment, like Erlang's cookie
const heartbeat = { interval: 250, timeout: 1000 }

const main = await startNatsNode({ servers: url, cluster, secret, name: 'main', heartbeat })
const kids = await forkNatsNodes(2, { servers: url, cluster, secret, heartbeat, prefix: 'worker', setup: new URL('./member.ts', import.meta.url) })
try {
  await main.waitForNodes(2)
  console.log(`cluster ${cluster}: ${[main.name, ...main.nodes()].join(', ')}`)

  // This process lends a thread too: the pool spans all three processes.
  const mine = await startPoolMember(main.node, 'crunch', { min: 1, max: 1, maxConcurrency: 2 })
  const pool = openPool(main.node, 'crunch', { waitTimeout: 10_000, maxAttempts: 3, retryDelay: 10 })
  while (stats(pool).members.length < 3) await new Promise((r) => setTimeout(r, 10))
  console.log(`pool crunch: ${stats(pool).members.length} members, one per process`)
  console.log('fib(25) =', await call(pool, fib, [25]))

  // execute: the client process gets a status naming the node that ran each task.
  const ran = await new Promise<ExecuteStatus[]>((resolve) => {
    main.node.spawn(async (ctx: Process) => {
      const ids = Array.from({ length: 12 }, () => execute(pool, fib, [24], { client: ctx.self }))
      const got: ExecuteStatus[] = []
      while (got.length < ids.length) got.push((await ctx.receive()) as ExecuteStatus)
      resolve(got)
    })
  })
  const byNode = new Map<string, number>()
  for (const s of ran) byNode.set(s.node ?? '?', (byNode.get(s.node ?? '?') ?? 0) + 1)
  console.log(`12 tasks ran on ${byNode.size} process(es): ${[...byNode].map(([n, c]) => `${n} x${c}`).join(', ')}`)

  // Remote spawn by module URL, then call across processes.
  const w1 = main.nodeNamed('worker1')!
  const c = await main.spawn(w1, counter, [40])
  main.node.cast(c, 2)
  console.log(`counter on ${w1}: ${await main.node.call(c, 'get')}`)

  // A cluster-wide name, taken with JetStream KV compare-and-set.
  console.log(`registerGlobal('counter'): ${await main.registerGlobal('counter', main.node.spawn(async (ctx) => void (await ctx.receive())))}`)

  // kill -9 one process: a nodedown after the heartbeat timeout, and the pool goes on.
  const w2 = kids[1]!
  const down = new Promise<unknown>((resolve) => {
    const watcher = main.node.spawn(async (ctx: Process) => resolve(await ctx.receive(isNodeDownMessage)))
    main.monitorNode(watcher, w2.name)
  })
  const t0 = Date.now()
  w2.process.kill('SIGKILL')
  const m = (await down) as { node: string; reason: unknown }
  console.log(`nodedown: ${m.node} (${String(m.reason)}) after ${Date.now() - t0} ms`)
  console.log(`pool crunch: ${stats(pool).members.length} members left; fib(20) = ${await call(pool, fib, [20])}`)

  closePool(pool)
  main.node.exit(mine, 'shutdown')
} finally {
  await Promise.all(kids.map((k) => k.stop()))
  await main.stop()
  await server?.stop()
}
console.log('cluster stopped')
