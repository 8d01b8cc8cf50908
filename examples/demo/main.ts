/**
 * troupe's flagship demo (`pnpm demo`): a local cluster doing real work.
 *
 * 1. Starts 4 worker-thread nodes under a supervisor; each joins the CPU pool `render`.
 * 2. Renders a Mandelbrot image in tiles spread over the pool, with a live display of each
 *    node's throughput (plain lines when stdout is not a terminal).
 * 3. Halfway, crashes one node: its running tiles are rescheduled on the others, and the
 *    supervisor brings a replacement node up.
 * 4. Writes the image as a PNG and prints its path.
 * 5. Runs an AO scheduler: many actors schedule signed messages for one process; the slots
 *    and the hash chain are verified.
 * 6. Prints a summary and exits 0, leaving no threads behind.
 */
import { resolve } from 'node:path'
import { actorRef, describeReason, startCluster, startSupervisor, stopSupervisor, type Process } from '@troupe/core'
import { closePool, defineTask, execute, openPool, stats, type ExecuteStatus } from '@troupe/pool'
import type * as R from './render.js'
import type * as App from './nodeApp.js'
import { tiles, type RenderedTile } from './render.js'
import { Display } from './display.js'
import { Image } from './image.js'
import { keeperChild, type NodeEvent } from './nodeKeeper.js'
import { runScheduler } from './ao.js'

const WIDTH = 1600
const HEIGHT = 1200
const TILE = 80
const MAX_ITER = 3000
const SUPERSAMPLE = 3
const NODES = 4
const out = resolve(process.env.TROUPE_DEMO_OUT ?? 'troupe-demo.png')

const renderTile = defineTask<typeof R.renderTile>(new URL('./render.ts', import.meta.url), 'renderTile')
const crashNode = actorRef<typeof App.crashNode>(new URL('./nodeApp.ts', import.meta.url), 'crashNode')

const t0 = Date.now()
const work = tiles(WIDTH, HEIGHT, TILE, MAX_ITER, SUPERSAMPLE)
const display = new Display(work.length)
console.log(`troupe demo: ${NODES} nodes render a ${WIDTH}x${HEIGHT} Mandelbrot in ${work.length} tiles\n`)

const cluster = await startCluster({ nodes: 0 })
const pool = openPool(cluster.node, 'render', { whenFull: 'queue', maxReschedules: 3 })
const onNode = (e: NodeEvent) => (e.type === 'up' ? display.nodeUp(e.node) : display.nodeDown(e.node, describeReason(e.reason)))
// One thread per node (this is a 2-core machine), the render module loaded as it starts.
const member = { min: 1, max: 1, maxConcurrency: 2, preload: [renderTile] }
const sup = await startSupervisor(cluster.node, {
  strategy: 'one_for_one',
  intensity: 3,
  period: 60_000,
  children: Array.from({ length: NODES }, (_, i) => keeperChild(`slot${i + 1}`, cluster, 'render', member, onNode)),
})

// The client: submits every tile with `execute` and receives gascheduler status messages.
const image = new Image(WIDTH, HEIGHT)
const rendered = await new Promise<{ crashed: string; rescheduled: number }>((done, fail) => {
  cluster.node.spawn(async (ctx: Process) => {
    for (const tile of work) execute(pool, renderTile, [tile], { client: ctx.self, onProgress: (f) => display.tileProgress(tile, f as number) })
    let finished = 0
    let crashed = ''
    let seenRescheduled = 0
    while (finished < work.length) {
      const s = (await ctx.receive()) as ExecuteStatus<RenderedTile>
      if (!('ok' in s.result)) return fail(new Error(`a tile failed: ${s.result.error} ${describeReason(s.result.cause)}`))
      image.put(s.result.value)
      display.tileDone(s.result.value, s.node ?? '?')
      finished++
      if (finished === Math.floor(work.length / 2)) {
        // Halfway: crash the busiest node, as a failure would.
        const busiest = [...stats(pool).members].sort((a, b) => b.running - a.running)[0]!
        crashed = busiest.node
        display.event(`crashing ${crashed} (it is running ${busiest.running} tiles)`)
        void cluster.spawn(crashed, crashNode)
      }
      const r = stats(pool).rescheduled
      if (r > seenRescheduled) {
        display.event(`${r - seenRescheduled} tile(s) rescheduled onto the surviving nodes`)
        seenRescheduled = r
      }
    }
    done({ crashed, rescheduled: stats(pool).rescheduled })
  })
})
const renderSecs = (Date.now() - t0) / 1000
display.close()
image.write(out)
console.log(`\nimage written: ${out}`)

console.log('\nAO scheduler: 20 actors schedule 15 signed messages each for one process...')
const ao = await runScheduler(cluster.node, 20, 15)
console.log(`  process ${ao.process}`)
console.log(`  slots ${ao.first}..${ao.last} (${ao.count} assignments), signatures and hash chain verified: ${ao.verified}`)
console.log(`  hash chain head ${ao.hashChain}`)

await stopSupervisor(cluster.node, sup)
closePool(pool)
await cluster.stop()
const secs = (Date.now() - t0) / 1000
console.log(`\nsummary: ${work.length} tiles in ${renderSecs.toFixed(1)} s (${(work.length / renderSecs).toFixed(1)} tiles/s), ` + `${rendered.rescheduled} rescheduled after ${rendered.crashed} crashed, ${ao.count} AO assignments, ${secs.toFixed(1)} s in all, ${cluster.threads()} threads left`)
