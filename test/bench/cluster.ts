/**
 * Cluster benchmarks: messages, round trips, spawns and starts across worker-thread nodes,
 * each next to its raw worker_threads baseline measured in the same run.
 */
import { performance } from 'node:perf_hooks'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { actorRef, clusterDefaults, isDownMessage, startCluster, type Cluster, type Pid, type Process } from '@troupe/core'
import { median, medianOf, type Record } from './harness.js'
import { benchBuiltStart } from './builtStart.js'
import type * as F from './fixtures/clusterBench.js'

const RUNS = 5
/** Starts under tsx take ~0.2 s each; 11 pairs keep the ratio's median steady. */
const START_RUNS = 11
const N = 1_000_000
const fixtures = new URL('./fixtures/clusterBench.ts', import.meta.url)
const sink = actorRef<typeof F.sink>(fixtures, 'sink')
const ponger = actorRef<typeof F.ponger>(fixtures, 'ponger')
const idle = actorRef<typeof F.idle>(fixtures, 'idle')
const dieStamped = actorRef<typeof F.dieStamped>(fixtures, 'dieStamped')
const bootUrl = new URL('../../packages/core/src/cluster/boot.mjs', import.meta.url)

/**
 * A raw worker: counts batches' messages (answering 'report' with the count) and echoes
 * 'ping'. With `spinUs`, it keeps its event loop turning that long after each ping, as a
 * node's busy wait does (busyWait.ts), for a raw baseline of the same technique.
 */
const rawWorkerSource = `
const { workerData } = require('node:worker_threads')
const { performance } = require('node:perf_hooks')
const port = workerData.port
let n = 0, until = 0
const spin = () => { if (performance.now() < until) setImmediate(spin) }
port.on('message', (m) => {
  if (m === 'report') { port.postMessage(n); n = 0 }
  else if (m === 'ping') {
    port.postMessage('pong')
    if (workerData.spinUs > 0) { until = performance.now() + workerData.spinUs / 1000; setImmediate(spin) }
  }
  else n += m.length
})`

async function withRawWorker<T>(fn: (port: MessagePort) => Promise<T>, spinUs = 0): Promise<T> {
  const { port1, port2 } = new MessageChannel()
  const w = new Worker(rawWorkerSource, { eval: true, workerData: { port: port2, spinUs }, transferList: [port2] })
  try {
    return await fn(port1)
  } finally {
    port1.close()
    await w.terminate()
  }
}

/**
 * The next message on `port`, through one listener kept for the port's life: adding and
 * removing a 'message' listener per message would stop and restart the port each time.
 */
function once(port: MessagePort): Promise<unknown> {
  let w = waiters.get(port)
  if (w === undefined) {
    const q: ((m: unknown) => void)[] = []
    waiters.set(port, (w = q))
    port.on('message', (m) => q.shift()?.(m))
  }
  const q = w
  return new Promise((resolve) => q.push(resolve))
}
const waiters = new WeakMap<MessagePort, ((m: unknown) => void)[]>()

async function rawBatched(port: MessagePort, n: number): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < n; i += 64) {
    const b = new Array(64)
    for (let j = 0; j < 64; j++) b[j] = { n: i + j }
    port.postMessage(b)
  }
  port.postMessage('report')
  const got = await once(port)
  const dt = performance.now() - t0
  if (got !== n) throw new Error(`raw batched: ${String(got)} of ${n}`)
  return n / (dt / 1000)
}

async function rawRtt(port: MessagePort, n: number, spinUs = 0): Promise<number> {
  const xs: number[] = []
  let until = 0
  const spin = (): void => {
    if (performance.now() < until) setImmediate(spin)
  }
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    port.postMessage('ping')
    if (spinUs > 0) {
      until = performance.now() + spinUs / 1000
      setImmediate(spin)
    }
    await once(port)
    xs.push((performance.now() - t0) * 1000)
  }
  return median(xs)
}

/** A process on the main node whose next message the benchmark awaits. */
function mailbox(c: Cluster): { pid: Pid; next: () => Promise<unknown> } {
  let ctx!: Process
  const pid = c.node.spawn(async (p: Process) => {
    ctx = p
    // Parked: the benchmark itself takes this process's messages with receive().
    await new Promise(() => {})
  })
  return { pid, next: () => ctx.receive() }
}

async function clusterOneway(c: Cluster, to: Pid, n: number, msg: (i: number) => unknown): Promise<number> {
  const box = mailbox(c)
  await Promise.resolve()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) c.node.send(to, msg(i))
  c.node.send(to, { report: box.pid })
  const got = await box.next()
  const dt = performance.now() - t0
  if (got !== n) throw new Error(`cluster send: ${String(got)} of ${n}`)
  return n / (dt / 1000)
}

async function clusterRtt(c: Cluster, to: Pid, n: number): Promise<number> {
  const xs: number[] = []
  await new Promise<void>((resolve) => {
    c.node.spawn(async (ctx: Process) => {
      const ping = { from: ctx.self }
      for (let i = 0; i < n; i++) {
        const t0 = performance.now()
        ctx.send(to, ping)
        await ctx.receive()
        xs.push((performance.now() - t0) * 1000)
      }
      resolve()
    })
  })
  return median(xs)
}

function tsxSpecifier(): string {
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    return 'tsx/esm/api'
  }
}

/** A bare worker started through the same boot file and loader as a node. */
async function rawWorkerStart(): Promise<number> {
  const t0 = performance.now()
  const w = new Worker(bootUrl, { workerData: { boot: { entry: new URL('./fixtures/bareWorker.ts', import.meta.url).href, tsx: tsxSpecifier(), core: null } } })
  await new Promise((resolve, reject) => {
    w.once('message', resolve)
    w.once('error', reject)
  })
  const dt = performance.now() - t0
  await w.terminate()
  return dt
}

export async function benchCluster(record: Record): Promise<void> {
  const raw = await withRawWorker(async (port) => ({
    batched: await medianOf(RUNS, () => rawBatched(port, N)),
    rtt: await rawRtt(port, 5000),
  }))
  record('raw.postmessage_batched', raw.batched / 1e6, 'M msgs/s')
  record('raw.postmessage_rtt_p50_us', raw.rtt, 'µs')
  // Not asked for: the same round trip with both threads busy-waiting as long as a node does,
  // to show what the cluster's busy wait costs over the raw technique.
  const rawSpin = await withRawWorker((port) => rawRtt(port, 5000, clusterDefaults.busyWaitUs), clusterDefaults.busyWaitUs)
  record('raw.postmessage_rtt_busywait_p50_us', rawSpin, 'µs')

  const c = await startCluster({ nodes: 1 })
  try {
    const s = await c.spawn('node1', sink)
    const small = { n: 0 }
    const oneway = await medianOf(RUNS, () => clusterOneway(c, s, N, (i) => ((small.n = i), { n: i })))
    record('cluster.send_oneway', oneway / 1e6, 'M msgs/s', { name: 'raw.postmessage_batched', value: raw.batched / 1e6 })
    const kb = 'x'.repeat(1024)
    const oneKb = await medianOf(RUNS, () => clusterOneway(c, s, N / 4, (i) => ({ n: i, payload: kb })))
    record('cluster.send_1kb', oneKb / 1e6, 'M msgs/s')

    const p = await c.spawn('node1', ponger)
    const rtt = await clusterRtt(c, p, 5000)
    record('cluster.pingpong_rtt_p50_us', rtt, 'µs', { name: 'raw.postmessage_rtt_p50_us', value: raw.rtt })
    record('cluster.pingpong_rtt_vs_busywait', rtt / rawSpin, 'x raw.postmessage_rtt_busywait_p50_us')

    for (let i = 0; i < 200; i++) await c.spawn('node1', idle)
    const spawns: number[] = []
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now()
      await c.spawn('node1', idle)
      spawns.push((performance.now() - t0) * 1000)
    }
    record('cluster.remote_spawn_us', median(spawns), 'µs')

    // Bare and node starts alternate, so the machine's drift over the run (it is noisy)
    // falls on both alike; as in builtStart.ts.
    const nodeStartOnce = async () => {
      const t0 = performance.now()
      const n = await c.startNode()
      const dt = performance.now() - t0
      await c.stopNode(n)
      return dt
    }
    await rawWorkerStart()
    await nodeStartOnce()
    const rawStarts: number[] = []
    const nodeStarts: number[] = []
    for (let i = 0; i < START_RUNS; i++) {
      rawStarts.push(await rawWorkerStart())
      nodeStarts.push(await nodeStartOnce())
    }
    record('raw.worker_start_ms', median(rawStarts), 'ms')
    record('cluster.node_start_ms', median(nodeStarts), 'ms', { name: 'raw.worker_start_ms', value: median(rawStarts) })

    const downs: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const n = await c.startNode()
      const target = await c.spawn(n, idle)
      const stamp = new SharedArrayBuffer(8)
      const at = await new Promise<number>((resolve) => {
        c.node.spawn(async (ctx: Process) => {
          ctx.monitor(target)
          void c.spawn(n, dieStamped, [stamp])
          await ctx.receive(isDownMessage)
          resolve(performance.timeOrigin + performance.now())
        })
      })
      downs.push(at - new Float64Array(stamp)[0]!)
    }
    record('cluster.nodedown_to_down_ms', median(downs), 'ms')
  } finally {
    await c.stop()
  }
  benchBuiltStart(record)
}
