/**
 * A cluster of nodes in one OS process: the main thread's node plus one node per worker
 * thread, every pair joined by a MessageChannel. The parent (main thread) owns the control
 * plane: it boots nodes, builds the mesh, watches liveness (thread exit, error, OOM,
 * heartbeat) and tells every surviving node when one goes down.
 */
import { MessageChannel, Worker, type ResourceLimits } from 'node:worker_threads'
import { Node, type SpawnOptions } from '../node.js'
import type { Pid } from '../pid.js'
import type { Process } from '../process.js'
import { systemClock, type Clock } from '../clock.js'
import { validNodeName } from '../pid.js'
import { assertKnownOptions, assertNonNegativeInt, assertPositiveInt, describe } from '../validate.js'
import { Distribution } from './distribution.js'
import { WorkerTransport } from './workerTransport.js'
import { releaseSpinner, shareSpinners } from './busyWait.js'
import { availableParallelism } from 'node:os'
import { peekCurrentDistribution, setCurrentDistribution } from './current.js'
import { encodeReason } from './wire.js'
import { decodeError } from '../errors.js'
import { NodeBootFailed } from './errors.js'
import { devBundle } from './devBundle.js'
import type { ActorArgs, ActorPid, ActorRef } from './actorRef.js'
import type { ControlToNode, ControlToParent, NodeWorkerData } from './control.js'

export interface NodeStartOptions {
  /** Node name, unique in the cluster. Default `<prefix><n>`. */
  name?: string
  /**
   * A module the node imports before it reports ready (a URL or file URL string). The node is
   * already connected to the parent's node then, so setup may send there; it must not wait
   * for an answer from it (the parent connects its end once the node is ready), nor from
   * other nodes (they connect after that).
   */
  setup?: URL | string
  /** Heap limits of the node's thread (`worker_threads` resourceLimits); exceeding them is a node down. */
  resourceLimits?: ResourceLimits
  /** The node's per-process fairness budget (see NodeOptions.budget). */
  budget?: number
  /**
   * µs the node's thread keeps polling its ports after each batch in or out before it
   * sleeps, so a reply inside the window skips a thread wake-up (BEAM's scheduler busy
   * wait). 0 sleeps at once. Default {@link clusterDefaults}.busyWaitUs.
   */
  busyWaitUs?: number
}
const NODE_START_OPTIONS = ['name', 'setup', 'resourceLimits', 'budget', 'busyWaitUs'] as const

export interface ClusterOptions {
  /** Worker-thread nodes to start at once. Default 0. */
  nodes?: number
  /** Name of the main thread's node. Default `'main'`. */
  name?: string
  /** Prefix of generated worker node names. Default `'node'` (node1, node2, ...). */
  prefix?: string
  /** Clock of the heartbeat (and of the main node's timeouts). Default the system clock. */
  clock?: Clock
  /** Heartbeat: ping every `interval` ms; a node silent for `timeout` ms is terminated and treated as down. `false` turns it off. */
  heartbeat?: { interval?: number; timeout?: number } | false
  /** Defaults for every worker node started in this cluster. */
  nodeDefaults?: Omit<NodeStartOptions, 'name'>
  /** The main thread's busy wait (see NodeStartOptions.busyWaitUs). */
  busyWaitUs?: number
}
const CLUSTER_OPTIONS = ['nodes', 'name', 'prefix', 'clock', 'heartbeat', 'nodeDefaults', 'busyWaitUs'] as const

/** Defaults, as data. */
export const clusterDefaults = {
  nodes: 0,
  name: 'main',
  prefix: 'node',
  heartbeat: { interval: 1000, timeout: 10_000 },
  busyWaitUs: 100,
} as const

interface Member {
  readonly name: string
  readonly worker: Worker
  state: 'booting' | 'up' | 'stopping' | 'down'
  lastPong: number
  /** What killed the thread, if known (an 'error' event, the heartbeat). */
  cause: unknown
  onMessage: (m: ControlToParent) => void
  readonly exited: Promise<void>
}

const collator = new Intl.Collator('en', { numeric: true })
const byName = (a: string, b: string) => collator.compare(a, b)

/** Set in core's dev bundle (devBundle.ts): where this module's source is, so the paths below hold there too. */
declare const TROUPE_CLUSTER_URL: string | undefined
const here = typeof TROUPE_CLUSTER_URL === 'string' ? TROUPE_CLUSTER_URL : import.meta.url
const ext = here.endsWith('.ts') ? '.ts' : '.js'
const bootUrl = new URL('./boot.mjs', here)
/** Set by scripts/build.mjs in the bundle: the chunk that starts a node itself (see runNode.ts). */
declare const TROUPE_NODE_CHUNK: string | undefined
const entryUrl = new URL(typeof TROUPE_NODE_CHUNK === 'string' ? TROUPE_NODE_CHUNK : `./nodeMain${ext}`, here).href

/**
 * How a worker thread loads the TypeScript entry: tsx's ESM API, registered inside the
 * thread by boot.mjs (even when the parent runs under the tsx CLI: on Node 20 the loader in
 * the inherited execArgv does not load a .ts module in the worker), unless this runs as
 * JavaScript. Resolved here, where tsx is a dependency, so boot.mjs needs no resolution of its own.
 */
function tsxSpecifier(): string | null {
  if (ext !== '.ts') return null
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    return 'tsx/esm/api'
  }
}

export class Cluster {
  /** The main thread's node. */
  readonly node: Node
  /** @internal */ readonly dist: Distribution
  private readonly transport: WorkerTransport
  private readonly members = new Map<string, Member>()
  private readonly clock: Clock
  private readonly prefix: string
  private readonly hb: { interval: number; timeout: number } | null
  private readonly defaults: Omit<NodeStartOptions, 'name'>
  private readonly tsx = tsxSpecifier()
  /** How many of this cluster's threads busy-wait now (see busyWait.ts). */
  private readonly spinners = new SharedArrayBuffer(4)
  private counter = 0
  private hbTimer: unknown = undefined
  private stopped = false

  /** @internal use startCluster */
  constructor(opts: ClusterOptions) {
    this.clock = opts.clock ?? systemClock
    this.prefix = opts.prefix ?? clusterDefaults.prefix
    this.defaults = opts.nodeDefaults ?? {}
    const hb = opts.heartbeat
    this.hb = hb === false ? null : { ...clusterDefaults.heartbeat, ...hb }
    this.node = new Node({ name: opts.name ?? clusterDefaults.name, clock: this.clock })
    this.transport = new WorkerTransport({ unref: true, closeIsDown: false, busyWaitUs: opts.busyWaitUs ?? clusterDefaults.busyWaitUs })
    shareSpinners(this.spinners, new SharedArrayBuffer(4), availableParallelism())
    this.dist = new Distribution(this.node, this.transport)
    if (peekCurrentDistribution() === null) setCurrentDistribution(this.dist)
    if (this.hb !== null) this.scheduleHeartbeat()
  }

  /** Every node of the cluster, this one first. */
  nodes(): string[] {
    return [this.node.name, ...this.dist.nodes().sort(byName)]
  }

  /** Starts one more worker-thread node and connects it to every node; resolves with its name once it is up. */
  async startNode(opts: NodeStartOptions = {}): Promise<string> {
    if (this.stopped) throw new Error('the cluster is stopped')
    assertKnownOptions(opts, NODE_START_OPTIONS, 'options')
    // First, so that naming and registering the node below happen in one turn.
    const core = this.tsx === null ? null : await devBundle(new URL('../', here))
    if (this.stopped) throw new Error('the cluster is stopped')
    const o = { ...this.defaults, ...opts }
    let name = o.name
    if (name === undefined) do name = `${this.prefix}${++this.counter}`
    while (this.members.has(name) || name === this.node.name)
    if (!validNodeName(name)) throw new TypeError(`options.name must match /^[A-Za-z0-9_@:.-]{1,200}$/, got ${describe(name)}`)
    if (this.members.has(name) || name === this.node.name) throw new RangeError(`options.name: a node named ${name} is already in the cluster`)
    if (o.budget !== undefined) assertPositiveInt(o.budget, 'options.budget')
    if (o.busyWaitUs !== undefined) assertNonNegativeInt(o.busyWaitUs, 'options.busyWaitUs')
    const spinning = new SharedArrayBuffer(4)
    // The channel to this (the parent's) node goes with the thread, so the node is meshed
    // with its parent when it reports ready: one control round trip fewer at every start.
    const main = new MessageChannel()
    // Built JavaScript needs no loader: the thread starts at the entry itself, one module
    // load fewer than through boot.mjs.
    const worker = new Worker(this.tsx === null ? new URL(entryUrl) : bootUrl, {
      workerData: {
        name,
        boot: { entry: core?.bundle ?? entryUrl, tsx: this.tsx, core },
        setup: o.setup === undefined ? null : String(o.setup),
        budget: o.budget ?? null,
        busyWaitUs: o.busyWaitUs ?? clusterDefaults.busyWaitUs,
        spinners: this.spinners,
        spinning,
        // The thread would otherwise load node:os for this one number.
        maxSpinners: availableParallelism(),
        parent: { peer: this.node.name, port: main.port2 },
      } satisfies NodeWorkerData,
      transferList: [main.port2],
      ...(o.resourceLimits !== undefined ? { resourceLimits: o.resourceLimits } : {}),
    })
    let bootDone!: (e?: unknown) => void
    const booted = new Promise<void>((resolve, reject) => (bootDone = (e) => (e === undefined ? resolve() : reject(e))))
    let exitedResolve!: () => void
    const m: Member = {
      name,
      worker,
      state: 'booting',
      lastPong: this.clock.now(),
      cause: undefined,
      onMessage: (c) => {
        if (c.t === 'ready') bootDone()
      },
      exited: new Promise<void>((r) => (exitedResolve = r)),
    }
    this.members.set(name, m)
    worker.on('message', (c: ControlToParent) => {
      if (c.t === 'pong') m.lastPong = this.clock.now()
      else if (c.t === 'exiting') {
        m.cause ??= c.error !== undefined ? decodeError(c.error) : `exit code ${c.code}`
        if (m.state === 'up') this.lost(m, m.cause)
      } else m.onMessage(c)
    })
    worker.on('error', (e) => {
      m.cause ??= e
    })
    worker.on('exit', (code) => {
      releaseSpinner(new Int32Array(this.spinners), new Int32Array(spinning))
      const reason = m.cause ?? `exit code ${code}`
      // No-op once booted (a promise settles once); fails a boot the thread did not finish,
      // including one cut short by stopNode/stop.
      bootDone(new NodeBootFailed({ node: name, reason }))
      if (m.state === 'booting') {
        this.members.delete(name)
        m.state = 'down'
        main.port1.close()
      } else if (m.state !== 'down') this.lost(m, reason)
      exitedResolve()
    })
    await booted
    // The rest of the mesh: one channel to every node already up.
    const peers: { peer: string; port: unknown }[] = []
    const transfer = []
    for (const other of this.members.values()) {
      if (other.state !== 'up') continue
      const ch = new MessageChannel()
      other.worker.postMessage({ t: 'connect', peers: [{ peer: name, port: ch.port1 }] } satisfies ControlToNode, [ch.port1])
      peers.push({ peer: other.name, port: ch.port2 })
      transfer.push(ch.port2)
    }
    // Up before the first await, so a node booting concurrently meshes with this one.
    m.state = 'up'
    m.lastPong = this.clock.now()
    this.dist.connect(name, main.port1)
    if (peers.length === 0) return name
    const connected = new Promise<void>((resolve) => {
      m.onMessage = (c) => {
        if (c.t === 'connected') resolve()
      }
    })
    worker.postMessage({ t: 'connect', peers } satisfies ControlToNode, transfer)
    await Promise.race([connected, m.exited])
    if ((m.state as Member['state']) === 'down') throw new NodeBootFailed({ node: name, reason: m.cause ?? 'exited while connecting' })
    return name
  }

  /**
   * Stops a node gracefully: its processes exit with `shutdown` (linked and monitoring
   * processes elsewhere see that reason), its pg members leave, then every node gets
   * `nodedown` with reason `shutdown` and the thread ends. Resolves when the thread is gone.
   */
  async stopNode(name: string): Promise<void> {
    const m = this.members.get(name)
    if (m === undefined) return
    if (m.state === 'up') {
      const stopped = new Promise<void>((resolve) => {
        m.onMessage = (c) => {
          if (c.t === 'stopped') resolve()
        }
      })
      m.state = 'stopping'
      // Frames this node still buffers for it go out before the stop (see nodeMain's drain).
      this.dist.flush()
      m.worker.postMessage({ t: 'stop' } satisfies ControlToNode)
      await Promise.race([stopped, m.exited])
    }
    if (m.state !== 'down') this.lost(m, 'shutdown')
    await m.worker.terminate()
    await m.exited
  }

  /** Spawns `ref` on `node` from outside any process. */
  spawn<A>(node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<ActorPid<A>> {
    return this.dist.spawn(node, ref as ActorRef, args as unknown[] | undefined, opts, null, 0).then((r) => r.pid as ActorPid<A>)
  }

  /** Sends `watcher` a `nodedown` message when `node` goes down. */
  monitorNode(watcher: Pid | Process, node: string): void {
    this.dist.monitorNode(typeof watcher === 'string' ? watcher : watcher.self, node)
  }

  /** Sends `watcher` every `nodeup` and `nodedown`. */
  monitorNodes(watcher: Pid | Process): void {
    this.dist.monitorNodes(typeof watcher === 'string' ? watcher : watcher.self)
  }

  /** Stops every worker node (gracefully), then detaches the main node. No thread is left behind. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.hbTimer !== undefined) this.clock.clearTimeout(this.hbTimer)
    await Promise.all([...this.members.keys()].map((n) => this.stopNode(n)))
    this.dist.close('shutdown')
    this.transport.close()
    if (peekCurrentDistribution() === this.dist) setCurrentDistribution(null)
  }

  /** Worker threads still running (0 after stop). */
  threads(): number {
    return this.members.size
  }

  /** A node is gone: everyone still up hears it now, with `reason`. */
  private lost(m: Member, reason: unknown): void {
    if (m.state === 'down') return
    m.state = 'down'
    this.members.delete(m.name)
    this.dist.nodeDown(m.name, reason)
    const wire = encodeReason(reason)
    for (const o of this.members.values())
      if (o.state === 'up' || o.state === 'stopping') o.worker.postMessage({ t: 'down', peer: m.name, reason: wire } satisfies ControlToNode)
  }

  private scheduleHeartbeat(): void {
    const hb = this.hb!
    this.hbTimer = this.clock.setTimeout(() => {
      if (this.stopped) return
      const now = this.clock.now()
      for (const m of this.members.values()) {
        if (m.state !== 'up') continue
        if (now - m.lastPong > hb.timeout) {
          // A thread busy in a loop never answers and cannot be asked to stop: terminate it.
          m.cause = 'heartbeat timeout'
          void m.worker.terminate()
        } else m.worker.postMessage({ t: 'ping' } satisfies ControlToNode)
      }
      this.scheduleHeartbeat()
    }, hb.interval)
    // Liveness checks alone must not keep the process alive.
    ;(this.hbTimer as { unref?: () => void }).unref?.()
  }
}

/**
 * Starts a cluster: a node on this (main) thread plus `nodes` worker-thread nodes, all
 * connected. Stop it with `cluster.stop()`.
 * @example
 * const cluster = await startCluster({ nodes: 4 })
 * const pid = await cluster.spawn('node1', counterRef, [0])
 * await cluster.stop()
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  assertKnownOptions(opts, CLUSTER_OPTIONS, 'options')
  const n = opts.nodes ?? clusterDefaults.nodes
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`options.nodes must be a non-negative integer, got ${describe(n)}`)
  if (opts.name !== undefined && !validNodeName(opts.name))
    throw new TypeError(`options.name must match /^[A-Za-z0-9_@:.-]{1,200}$/, got ${describe(opts.name)}`)
  if (opts.prefix !== undefined && (typeof opts.prefix !== 'string' || !validNodeName(opts.prefix + '1')))
    throw new TypeError(`options.prefix must be a node-name prefix, got ${describe(opts.prefix)}`)
  if (opts.busyWaitUs !== undefined) assertNonNegativeInt(opts.busyWaitUs, 'options.busyWaitUs')
  if (opts.heartbeat !== undefined && opts.heartbeat !== false) {
    assertKnownOptions(opts.heartbeat, ['interval', 'timeout'], 'options.heartbeat')
    if (opts.heartbeat.interval !== undefined) assertPositiveInt(opts.heartbeat.interval, 'options.heartbeat.interval')
    if (opts.heartbeat.timeout !== undefined) assertPositiveInt(opts.heartbeat.timeout, 'options.heartbeat.timeout')
  }
  const cluster = new Cluster(opts)
  const started = await Promise.allSettled(Array.from({ length: n }, () => cluster.startNode()))
  const failed = started.find((r) => r.status === 'rejected')
  if (failed !== undefined) {
    await cluster.stop()
    throw failed.reason
  }
  return cluster
}
