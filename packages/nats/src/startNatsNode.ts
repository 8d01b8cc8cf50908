/**
 * A node of a cluster that spans OS processes and machines: a troupe Node whose
 * Distribution runs over NATS instead of MessagePorts. Everything above the transport
 * (send, call, cast, links, monitors, exit signals, remote spawn, pg) is the same code as
 * between worker threads.
 */
import { randomBytes } from 'node:crypto'
import { connect, type ConnectionOptions, type NatsConnection } from 'nats'
import {
  Distribution,
  Node,
  assertKnownOptions,
  describeValue as describe,
  peekCurrentDistribution,
  setCurrentDistribution,
  systemClock,
  type ActorArgs,
  type ActorPid,
  type ActorRef,
  type Clock,
  type Pid,
  type Process,
  type SpawnOptions,
} from '@troupe/core'
import { Codec } from './codec.js'
import { subjectsOf } from './subjects.js'
import { NatsTransport, type NatsLogger } from './natsTransport.js'
import { GlobalNames } from './globalNames.js'
import { natsNodeDefaults } from './natsDefaults.js'

export interface NatsNodeOptions {
  /** NATS server URL(s), e.g. `'nats://127.0.0.1:4222'`; several for failover. */
  servers: string | string[]
  /** Cluster name: nodes join the cluster of this name; its subjects are namespaced by it. `[A-Za-z0-9_-]{1,64}`. */
  cluster: string
  /** The cluster's secret (Erlang's cookie): every heartbeat and batch is HMAC-signed with a key derived from it. */
  secret: string | Uint8Array
  /** The node's name, `[A-Za-z0-9_-]{1,64}`; the node id is `<name>@<random>`, new at every start. Default `node<pid>`. */
  name?: string
  /** Heartbeat interval and the silence after which a peer is down, in ms. Default `natsNodeDefaults.heartbeat`. */
  heartbeat?: { interval?: number; timeout?: number }
  /** Passed to the `nats` client's `connect` (credentials, TLS, reconnect policy, ...); `servers` and `name` are set from above. */
  connection?: Omit<ConnectionOptions, 'servers' | 'name'>
  /** Where warnings go (messages that do not verify, kicks). Default `console`. */
  logger?: NatsLogger
  /** Clock of the heartbeat and of the node's timeouts. Default the system clock. */
  clock?: Clock
  /** The node's per-process fairness budget (see NodeOptions.budget). */
  budget?: number
  /** Subject prefix. Default `natsNodeDefaults.subjectPrefix`. */
  subjectPrefix?: string
}
const OPTIONS = ['servers', 'cluster', 'secret', 'name', 'heartbeat', 'connection', 'logger', 'clock', 'budget', 'subjectPrefix'] as const
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/

/** A running NATS node. */
export interface NatsNode {
  /** The local node (spawn, send, call, ...). */
  readonly node: Node
  /** This node's id, `<name>@<incarnation>`: the node part of its pids. */
  readonly name: string
  /** The NATS connection (for what troupe does not cover). */
  readonly connection: NatsConnection
  /** Connected nodes, this one excluded. */
  nodes(): string[]
  /** The id of a connected node started with `name`, if any. */
  nodeNamed(name: string): string | undefined
  /** Resolves with nodes() once at least `count` other nodes are connected; rejects after `timeout` ms (default 10 s). */
  waitForNodes(count: number, timeout?: number): Promise<string[]>
  /** Spawns `ref` on `node` (this one included); the module must exist there. */
  spawn<A>(node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<ActorPid<A>>
  /** `watcher` gets one `nodedown` when `node` goes down (at once if not connected). */
  monitorNode(watcher: Pid | Process, node: string): void
  /** `watcher` gets every `nodeup` and `nodedown`. */
  monitorNodes(watcher: Pid | Process): void
  /** Registers `name` cluster-wide for a local `pid` (JetStream KV, compare-and-set); false if taken by a live process. */
  registerGlobal(name: string, pid: Pid): Promise<boolean>
  /** The pid holding `name` cluster-wide, if its node is connected (or it is local and alive). */
  whereisGlobal(name: string): Promise<Pid | undefined>
  /** Releases `name` if this node holds it. */
  unregisterGlobal(name: string): Promise<void>
  /**
   * Leaves the cluster: local processes exit with `shutdown` (remote links and monitors see
   * it), a goodbye tells every peer (`nodedown`, reason `shutdown`), the connection drains.
   */
  stop(): Promise<void>
}

function validate(o: NatsNodeOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError(`options must be an object, got ${describe(o)}`)
  assertKnownOptions(o, OPTIONS, 'options')
  const servers = Array.isArray(o.servers) ? o.servers : [o.servers]
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s === ''))
    throw new TypeError(`options.servers must be a URL string or a non-empty array of them, got ${describe(o.servers)}`)
  if (typeof o.cluster !== 'string' || !TOKEN.test(o.cluster)) throw new TypeError(`options.cluster must match ${TOKEN}, got ${describe(o.cluster)}`)
  if (!((typeof o.secret === 'string' || o.secret instanceof Uint8Array) && o.secret.length > 0))
    throw new TypeError(`options.secret must be a non-empty string or Uint8Array, got ${describe(o.secret)}`)
  if (o.name !== undefined && (typeof o.name !== 'string' || !TOKEN.test(o.name))) throw new TypeError(`options.name must match ${TOKEN}, got ${describe(o.name)}`)
  if (o.subjectPrefix !== undefined && (typeof o.subjectPrefix !== 'string' || !TOKEN.test(o.subjectPrefix)))
    throw new TypeError(`options.subjectPrefix must match ${TOKEN}, got ${describe(o.subjectPrefix)}`)
  if (o.heartbeat !== undefined) {
    assertKnownOptions(o.heartbeat, ['interval', 'timeout'], 'options.heartbeat')
    for (const k of ['interval', 'timeout'] as const) {
      const v = o.heartbeat[k]
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`options.heartbeat.${k} must be a positive integer, got ${describe(v)}`)
    }
    const hb = { ...natsNodeDefaults.heartbeat, ...o.heartbeat }
    if (hb.timeout <= hb.interval) throw new RangeError(`options.heartbeat.timeout must be greater than options.heartbeat.interval (${hb.interval}), got ${hb.timeout}`)
  }
  if (o.connection !== undefined && (typeof o.connection !== 'object' || o.connection === null))
    throw new TypeError(`options.connection must be an object, got ${describe(o.connection)}`)
  if (o.logger !== undefined && typeof o.logger?.warn !== 'function') throw new TypeError(`options.logger must have a warn method, got ${describe(o.logger)}`)
  if (o.budget !== undefined && !(Number.isInteger(o.budget) && o.budget > 0)) throw new RangeError(`options.budget must be a positive integer, got ${describe(o.budget)}`)
}

/**
 * Starts a node on this thread and joins the NATS cluster `cluster`.
 * @example
 * const n = await startNatsNode({ servers: 'nats://127.0.0.1:4222', cluster: 'prod', secret: process.env.TROUPE_SECRET!, name: 'api' })
 * const [peer] = await n.waitForNodes(1)
 * const pid = await n.spawn(peer, counter, [0])
 * await n.node.call(pid, 'get')
 * await n.stop()
 */
export async function startNatsNode(options: NatsNodeOptions): Promise<NatsNode> {
  validate(options)
  const o = options
  const hb = { ...natsNodeDefaults.heartbeat, ...o.heartbeat }
  const clock = o.clock ?? systemClock
  const logger = o.logger ?? console
  const id = `${o.name ?? `node${process.pid}`}@${randomBytes(4).toString('hex')}`
  const subjects = subjectsOf(o.subjectPrefix ?? natsNodeDefaults.subjectPrefix, o.cluster)
  const nc = await connect({
    // A node keeps trying to reach its servers; how long it may be away before its peers
    // are down is the heartbeat's business, not the client's.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...o.connection,
    servers: o.servers,
    name: id,
  })
  const node = new Node(o.budget === undefined ? { name: id, clock } : { name: id, clock, budget: o.budget })
  let dist: Distribution | null = null
  const transport = new NatsTransport({
    nc,
    self: id,
    subjects,
    codec: new Codec(o.secret, o.cluster),
    heartbeat: hb,
    clock,
    logger,
    up: (peer) => dist?.connect(peer, null),
    down: (peer, reason) => dist?.nodeDown(peer, reason),
  })
  dist = new Distribution(node, transport)
  const d = dist
  const names = new GlobalNames(nc, subjects.kv, d)
  if (peekCurrentDistribution() === null) setCurrentDistribution(d)
  await transport.start()
  const short = (n: string) => n.slice(0, n.lastIndexOf('@'))
  let stopped: Promise<void> | null = null

  return {
    node,
    name: id,
    connection: nc,
    nodes: () => d.nodes(),
    nodeNamed: (name) => d.nodes().find((n) => short(n) === name),
    waitForNodes(count, timeout = 10_000) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now()
        const check = () => {
          const ns = d.nodes()
          if (ns.length >= count) return resolve(ns)
          if (Date.now() - t0 > timeout) return reject(new Error(`waitForNodes: ${ns.length} of ${count} nodes connected after ${timeout} ms`))
          setTimeout(check, 10)
        }
        check()
      })
    },
    spawn: (n, ref, args, opts) => d.spawn(n, ref as ActorRef, args as unknown[] | undefined, opts, null, 0).then((r) => r.pid as never),
    monitorNode: (w, n) => d.monitorNode(typeof w === 'string' ? w : w.self, n),
    monitorNodes: (w) => d.monitorNodes(typeof w === 'string' ? w : w.self),
    registerGlobal: (name, pid) => names.register(name, pid),
    whereisGlobal: (name) => names.whereis(name),
    unregisterGlobal: (name) => names.unregister(name),
    stop() {
      stopped ??= (async () => {
        node.shutdown('shutdown')
        // Exit signals and pg leaves of the shutdown go out before the goodbye: one
        // connection delivers in publish order.
        d.flush()
        transport.close()
        d.close('shutdown')
        if (peekCurrentDistribution() === d) setCurrentDistribution(null)
        const drained = nc.drain().catch(() => {})
        let t: NodeJS.Timeout | undefined
        await Promise.race([drained, new Promise((r) => (t = setTimeout(r, natsNodeDefaults.stopTimeout)))])
        clearTimeout(t)
        if (!nc.isClosed()) await nc.close().catch(() => {})
      })()
      return stopped
    },
  }
}
