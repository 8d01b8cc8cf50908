/**
 * Pool benchmarks against raw Piscina measured in the same run, with the same thread count,
 * `atomics: 'disabled'`, the same boot file and the same task module: the ratios are the
 * cost of the pool itself (placement, admission, queue, bookkeeping), not of the task.
 */
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { actorRef, createNode, startCluster } from '@troupe/core'
import { call, closePool, defineTask, map, openPool, startPoolMember } from '@troupe/pool'
import { median, medianOf, type Record } from './harness.js'
import type * as T from '../../packages/pool/test/fixtures/tasks.js'
import type * as H from '../../packages/pool/test/fixtures/clusterHost.js'

const tasksUrl = new URL('../../packages/pool/test/fixtures/tasks.ts', import.meta.url)
const square = defineTask<typeof T.square>(tasksUrl, 'square')
const spin = defineTask<typeof T.spin>(tasksUrl, 'spin')
const boot = fileURLToPath(new URL('../../packages/pool/src/worker.mjs', import.meta.url))
const threads = Math.max(1, availableParallelism())

// piscina is a dependency of @troupe/pool, not of the repository root: load it the way the
// pool does, resolved from the pool package.
type PiscinaModule = typeof import('../../packages/pool/node_modules/piscina/dist/index.js')
const { Piscina } = createRequire(fileURLToPath(import.meta.resolve('@troupe/pool')))('piscina') as PiscinaModule
type Piscina = InstanceType<typeof Piscina>

function rawPiscina(): Piscina {
  return new Piscina({
    filename: boot,
    atomics: 'disabled',
    minThreads: threads,
    maxThreads: threads,
    maxQueue: Number.MAX_SAFE_INTEGER,
    workerData: { troupeTsx: true },
  })
}

async function warm(p: Piscina): Promise<void> {
  await Promise.all(Array.from({ length: threads * 4 }, (_, i) => p.run({ u: square.url, e: square.export, a: [i] })))
}

async function throughput(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  const all = new Array<Promise<unknown>>(n)
  for (let i = 0; i < n; i++) all[i] = run(i)
  await Promise.all(all)
  return n / ((performance.now() - t0) / 1000)
}

async function p50(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await run(i)
    xs.push((performance.now() - t0) * 1000)
  }
  return median(xs)
}

async function totalMs(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await run()
  return performance.now() - t0
}

export async function benchPool(record: Record): Promise<void> {
  const N = 100_000
  const raw = rawPiscina()
  await warm(raw)
  const rawTask = (i: number) => raw.run({ u: square.url, e: square.export, a: [i] })

  const node = createNode({ name: 'bench' })
  // maxConcurrency above the thread count lets a few tasks wait in the member's Piscina
  // queue, so a thread gets its next task without a round trip through the view.
  const member = await startPoolMember(node, 'bench', { min: threads, max: threads, maxConcurrency: threads * 4, preload: [square] })
  const pool = openPool(node, 'bench', { maxQueue: Infinity })
  await Promise.all(Array.from({ length: threads * 4 }, (_, i) => call(pool, square, [i])))
  const poolTask = (i: number) => call(pool, square, [i])

  // Alternating runs, so machine noise hits both sides alike.
  const rawT: number[] = []
  const poolT: number[] = []
  for (let r = 0; r < 4; r++) {
    rawT.push(await throughput(N, rawTask))
    poolT.push(await throughput(N, poolTask))
  }
  const rawTput = median(rawT.slice(1))
  record('raw.piscina_trivial', rawTput, 'tasks/s')
  record('pool.call_trivial', median(poolT.slice(1)), 'tasks/s', { name: 'raw.piscina_trivial', value: rawTput })

  const inputs = Array.from({ length: N }, (_, i) => i)
  record('pool.map_trivial', await medianOf(3, async () => N / ((await totalMs(() => map(pool, square, inputs))) / 1000)), 'tasks/s')

  const rawP: number[] = []
  const poolP: number[] = []
  for (let r = 0; r < 4; r++) {
    rawP.push(await p50(2000, rawTask))
    poolP.push(await p50(2000, poolTask))
  }
  const rawLat = median(rawP.slice(1))
  record('raw.piscina_p50_us', rawLat, 'µs')
  record('pool.call_p50_us', median(poolP.slice(1)), 'µs', { name: 'raw.piscina_p50_us', value: rawLat })

  const rawCpu: number[] = []
  const poolCpu: number[] = []
  for (let r = 0; r < 3; r++) {
    rawCpu.push(await totalMs(() => Promise.all(Array.from({ length: 400 }, () => raw.run({ u: spin.url, e: spin.export, a: [2] })))))
    poolCpu.push(await totalMs(() => Promise.all(Array.from({ length: 400 }, () => call(pool, spin, [2])))))
  }
  const rawCpuMs = median(rawCpu)
  record('raw.piscina_cpu_400x2ms', rawCpuMs, 'ms')
  record('pool.cpu_400x2ms', median(poolCpu), 'ms', { name: 'raw.piscina_cpu_400x2ms', value: rawCpuMs })
  closePool(pool)
  node.exit(member, 'shutdown')
  await raw.destroy()

  // A member on another node (a worker-thread node of a local cluster): one more thread hop each way.
  const cluster = await startCluster({ nodes: 1 })
  const host = actorRef<typeof H.memberHost>(new URL('../../packages/pool/test/fixtures/clusterHost.ts', import.meta.url), 'memberHost')
  const remotePool = openPool(cluster.node, 'bench-remote')
  const other = cluster.nodes().find((n) => n !== cluster.node.name)!
  await cluster.spawn(other, host, ['bench-remote', { min: 1, max: 1, preload: [square] }])
  for (;;) {
    try {
      await call(remotePool, square, [1], { waitTimeout: 0 })
      break
    } catch {
      // The member's pg join has not reached this node yet.
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  const remote: number[] = []
  for (let r = 0; r < 4; r++) remote.push(await p50(2000, (i) => call(remotePool, square, [i])))
  record('pool.remote_call_p50_us', median(remote.slice(1)), 'µs', { name: 'pool.call_p50_us', value: median(poolP.slice(1)) })
  closePool(remotePool)
  await cluster.stop()
}
