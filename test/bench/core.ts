/** Benchmarks of @troupe/core on one node, each next to its raw baseline. */
import { performance } from 'node:perf_hooks'
import { createNode, defineBehaviour, type Pid, type Process, type SpawnOptions } from '@troupe/core'
import { gc, median, medianOf, type Record } from './harness.js'

const RUNS = 5

interface RawReceiver {
  q: unknown[]
  head: number
  tail: number
  queued: boolean
  state: number
  handle: (m: unknown, s: number) => number
}

/**
 * A bare mailbox and drain loop: one receiver object with a queue and a handler, a run
 * queue, and a loop that drains it. No process table, budget, envelopes or error handling:
 * the most a mailbox could do on this machine.
 */
function rawDrainLoop(n: number): number {
  const rq: RawReceiver[] = []
  const rx: RawReceiver = { q: [], head: 0, tail: 0, queued: false, state: 0, handle: (_m, s) => s + 1 }
  const send = (r: RawReceiver, m: unknown) => {
    r.q[r.tail++] = m
    if (!r.queued) {
      r.queued = true
      rq.push(r)
    }
  }
  const t0 = performance.now()
  for (let i = 0; i < n; i++) send(rx, i)
  for (let i = 0; i < rq.length; i++) {
    const r = rq[i]!
    r.queued = false
    while (r.head < r.tail) {
      const m = r.q[r.head]
      r.q[r.head++] = undefined
      r.state = r.handle(m, r.state)
    }
  }
  const dt = performance.now() - t0
  if (rx.state !== n) throw new Error('raw drain lost messages')
  return n / (dt / 1000)
}

export async function sendOneway(n: number, opts: SpawnOptions = {}): Promise<number> {
  const node = createNode()
  const done = deferred()
  const sink = defineBehaviour({
    init: () => 0,
    handleInfo: (_m: unknown, c: number) => {
      if (++c === n) done.resolve()
      return c
    },
  })
  const pid = node.spawn(sink, [], opts) as Pid<number>
  await Promise.resolve()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) node.send(pid, i)
  await done.promise
  const dt = performance.now() - t0
  node.shutdown()
  return n / (dt / 1000)
}

async function pingpong(n: number): Promise<number> {
  const node = createNode()
  const done = deferred()
  const pong = defineBehaviour({
    init: () => null,
    handleInfo: (m: unknown, s: null, ctx: Process) => {
      ctx.send(m as Pid, 'pong')
      return s
    },
  })
  const b = node.spawn(pong)
  const ping = defineBehaviour({
    init: () => 0,
    handleInfo: (_m: unknown, c: number, ctx: Process) => {
      if (++c === n) done.resolve()
      else ctx.send(b, ctx.self)
      return c
    },
  })
  const a = node.spawn(ping)
  await Promise.resolve()
  const t0 = performance.now()
  node.send(b, a)
  await done.promise
  const dt = performance.now() - t0
  node.shutdown()
  return n / (dt / 1000)
}

async function ring(procs: number, hops: number): Promise<number> {
  const node = createNode()
  const done = deferred()
  const member = defineBehaviour({
    init: () => null as Pid | null,
    handleInfo: (m: unknown, next: Pid | null, ctx: Process) => {
      if (typeof m === 'string') return m as Pid
      const left = m as number
      if (left === 0) done.resolve()
      else ctx.send(next!, left - 1)
      return next
    },
  })
  const pids: Pid[] = []
  for (let i = 0; i < procs; i++) pids.push(node.spawn(member))
  for (let i = 0; i < procs; i++) node.send(pids[i]!, pids[(i + 1) % procs]!)
  await new Promise((r) => setImmediate(r))
  const t0 = performance.now()
  node.send(pids[0]!, hops)
  await done.promise
  const dt = performance.now() - t0
  node.shutdown()
  return hops / (dt / 1000)
}

/**
 * Spawn + exit of processes that return at once. The spawner yields every 1000 spawns, as a
 * BEAM spawner is preempted when its reductions run out, so the table stays small.
 */
async function spawnExit(n: number, perTurn = 1000): Promise<number> {
  const node = createNode()
  let ran = 0
  const fn = () => {
    ran++
  }
  const t0 = performance.now()
  for (let spawned = 0; spawned < n; ) {
    for (let i = 0; i < perTurn; i++) node.spawn(fn)
    spawned += perTurn
    await null
    while (ran < spawned) await null
  }
  const dt = performance.now() - t0
  if (node.processes().length !== 0) throw new Error('spawn_exit left processes behind')
  return n / (dt / 1000)
}

async function monitorDownP50(iterations: number): Promise<number> {
  const node = createNode()
  const idle = defineBehaviour({ init: () => null })
  let resolveDown: (t: number) => void = () => {}
  const watcher = defineBehaviour({
    init: () => null,
    handleInfo: (m: unknown, s: null) => {
      if ((m as { type?: string }).type === 'DOWN') resolveDown(performance.now())
      return s
    },
  })
  const samples: number[] = []
  const host = deferred<Process>()
  const w = node.spawn(watcher)
  node.spawn(async (ctx: Process) => {
    host.resolve(ctx)
    await ctx.receive((m) => m === 'never')
  })
  const ctx = await host.promise
  for (let i = 0; i < iterations; i++) {
    const target = node.spawn(idle)
    await Promise.resolve()
    // The watcher holds the monitor: link it through a one-off monitor request.
    const p = node._process(w)!
    p.monitor(target)
    const got = new Promise<number>((r) => (resolveDown = r))
    const t0 = performance.now()
    ctx.exit(target, 'kill')
    samples.push(((await got) - t0) * 1000)
  }
  node.shutdown()
  return median(samples)
}

function pgJoin(procs: number, groups: number): number {
  const node = createNode()
  const pids: Pid[] = []
  const idle = defineBehaviour({ init: () => null })
  for (let i = 0; i < procs; i++) pids.push(node.spawn(idle))
  const names: string[] = []
  for (let g = 0; g < groups; g++) names.push(`group-${g}`)
  const pg = node.pg('bench')
  const t0 = performance.now()
  for (let g = 0; g < groups; g++) for (let i = 0; i < procs; i++) pg.join(names[g]!, pids[i]!)
  const dt = performance.now() - t0
  if (pg.getMembers('group-0').length !== procs) throw new Error('pg join lost members')
  node.shutdown()
  return (procs * groups) / (dt / 1000)
}

function pgGetMembers100(calls: number): number {
  const node = createNode()
  const idle = defineBehaviour({ init: () => null })
  const pg = node.pg('bench')
  for (let i = 0; i < 100; i++) pg.join('g', node.spawn(idle))
  let sum = 0
  const t0 = performance.now()
  for (let i = 0; i < calls; i++) sum += pg.getMembers('g').length
  const dt = performance.now() - t0
  if (sum !== calls * 100) throw new Error('pg getMembers wrong')
  node.shutdown()
  return (dt * 1000) / calls
}

async function bytesPerIdleProcess(n: number): Promise<number> {
  const node = createNode()
  const idle = defineBehaviour({ init: () => 0 })
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < n; i++) node.spawn(idle)
  await new Promise((r) => setTimeout(r, 0))
  while (node.processInfo(node.processes()[n - 1]!)!.status === 'starting') await new Promise((r) => setImmediate(r))
  gc()
  const after = process.memoryUsage().heapUsed
  const per = (after - before) / n
  node.shutdown()
  return per
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

export async function benchCore(record: Record): Promise<void> {
  const raw = await medianOf(RUNS, () => rawDrainLoop(1_000_000))
  record('raw.drain_loop', raw, 'msgs/s')
  record('core.send_oneway', await medianOf(RUNS, () => sendOneway(1_000_000)), 'msgs/s', { name: 'raw.drain_loop', value: raw })
  record('core.pingpong', await medianOf(RUNS, () => pingpong(500_000)), 'round trips/s')
  record('core.ring_10k', await medianOf(RUNS, () => ring(10_000, 1_000_000)), 'hops/s')
  record('core.spawn_exit', await medianOf(RUNS, () => spawnExit(200_000)), 'processes/s')
  record('core.monitor_down_p50_us', await medianOf(RUNS, () => monitorDownP50(2_000)), 'µs')
  record('core.pg_join', await medianOf(RUNS, () => pgJoin(100, 1000)), 'joins/s')
  record('core.pg_get_members_100_us', await medianOf(RUNS, () => pgGetMembers100(1_000_000)), 'µs')
  record('core.bytes_per_idle_process', await bytesPerIdleProcess(1_000_000), 'bytes')
}
