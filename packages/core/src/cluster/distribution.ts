/**
 * Distribution: what makes one node a member of a cluster (Erlang's `dist`). It routes
 * every signal for another node's pids through a transport, and applies the signals other
 * nodes send here: messages, casts, calls and replies, exit signals, links, monitors, remote
 * spawns, pg membership, nodeup and nodedown.
 *
 * Outgoing frames are batched per peer and posted once per turn (in a microtask queued by
 * the first frame, so a whole drain of the run queue goes out as one `postMessage` per
 * peer); batching measured 3.6x over one `postMessage` per message.
 *
 * Node loss: every pending call to the node rejects with `CallExited` `noconnection`, local
 * processes linked to its processes get an exit signal `noconnection`, monitors of them get
 * DOWN `noconnection`, its pg members leave at once, and node monitors get `nodedown`.
 * Links and monitors to a lost node are found by a scan of the process table: nodedown is
 * rare, and keeping no per-peer index keeps every link and monitor as cheap as in one node.
 */
import type { Node, SpawnOptions, SpawnResult } from '../node.js'
import { TRAP_EXIT, type ExitHook, type ExitWatcher, type Process } from '../process.js'
import { nodeOf, type Pid, type Ref } from '../pid.js'
import { CallRequest, CastRequest, type ExitReason, type ReplyTo } from '../messages.js'
import { CallExited, CallTimeout, decodeError, encodeError, InitFailed, NotCloneable } from '../errors.js'
import { decideExitSignal } from '../exitSignal.js'
import { isName, type Name } from '../name.js'
import { describe } from '../validate.js'
import type { RemoteRouter } from './remoteRouter.js'
import type { Transport } from './transport.js'
import * as W from './wire.js'
import { assertCloneable } from './cloneable.js'
import { loadActor, loadedActor, type ActorRef } from './actorRef.js'
import { SpawnFailed } from './errors.js'

/** What node monitors receive. */
export interface NodeUpMessage {
  readonly type: 'nodeup'
  readonly node: string
}
export interface NodeDownMessage {
  readonly type: 'nodedown'
  readonly node: string
  /** Why the node went down: `'shutdown'` when stopped, `'noconnection'`, or what killed its thread. */
  readonly reason: unknown
}

export function isNodeUpMessage(m: unknown): m is NodeUpMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'nodeup'
}
export function isNodeDownMessage(m: unknown): m is NodeDownMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'nodedown'
}

/** Defaults, as data. */
export const distributionDefaults = {
  /** Fields buffered for one peer before the batch is posted without waiting for the end of the turn. */
  maxBatchFields: 3 * 1024,
} as const

class Peer {
  out: unknown[] = []
  /** The target of `out`'s last frame when it is a SEND or SEND_MORE, else null. */
  runTo: Pid | null = null
  dirty = false
  constructor(readonly name: string) {}
}

interface RemoteCall {
  readonly peer: string
  readonly pid: string
  readonly resolve: (v: unknown) => void
  readonly reject: (e: unknown) => void
  timer: unknown
}

interface PendingSpawn {
  readonly peer: string
  readonly actor: string
  readonly parent: Pid | null
  readonly mode: SpawnMode
  readonly resolve: (r: SpawnResult) => void
  readonly reject: (e: unknown) => void
}

/**
 * A process of another node watching a local one: fires DOWN back to it, or, for a call
 * being served (`watcher === null`), fails the caller's call.
 */
class RemoteWatcher implements ExitWatcher {
  constructor(
    readonly dist: Distribution,
    readonly peer: string,
    readonly watcher: Pid | null,
  ) {}
  down(ref: Ref, pid: Pid, reason: ExitReason): void {
    this.dist._remoteDown(this, ref, pid, reason)
  }
}

const byNode = new WeakMap<Node, Distribution>()

/** @internal The distribution a node belongs to, if it is in a cluster. */
export function distributionOf(node: Node): Distribution | undefined {
  return byNode.get(node)
}

/** 0 spawn, 1 spawn linked, 2 spawn monitored, 3 start linked (answer after init). */
export type SpawnMode = 0 | 1 | 2 | 3

export class Distribution implements RemoteRouter, ExitHook {
  private readonly peers = new Map<string, Peer>()
  /**
   * The peer of the last pid a message went to. Streams of sends to one remote pid skip
   * parsing the pid (a substring per send); cleared whenever the set of peers changes.
   */
  private lastPid: Pid | null = null
  private lastPeer: Peer | undefined = undefined
  private dirty: Peer[] = []
  private flushScheduled = false
  private readonly flushFn = () => this.flush()
  private readonly calls = new Map<Ref, RemoteCall>()
  /** Calls from other nodes being served here: ref -> callee. */
  private readonly served = new Map<Ref, Pid>()
  private readonly spawns = new Map<number, PendingSpawn>()
  private spawnSerial = 0
  /** pg scopes that had members here or elsewhere: synced on nodeup, cleaned on nodedown. */
  private readonly scopes = new Set<string>()
  /** Node monitors: watcher -> node names (one-shot nodedown) and null (every nodeup/nodedown). */
  private readonly nodeWatchers = new Map<Pid, Set<string | null>>()
  private closed = false
  /** The transport's own send-site check, if it has one (see Transport.assertSendable). */
  private readonly sendable: ((value: unknown, path: string) => void) | null

  constructor(
    readonly node: Node,
    private readonly transport: Transport,
  ) {
    if (node.remote !== null) throw new Error(`node ${node.name} is already in a cluster`)
    node.remote = this
    byNode.set(node, this)
    this.sendable = transport.assertSendable?.bind(transport) ?? null
    transport.onMessage((peer, batch) => this.onBatch(peer, batch))
    transport.onDown((peer) => this.nodeDown(peer, 'noconnection'))
  }

  // ---------------------------------------------------------------- membership

  /** Connected nodes, this one excluded. */
  nodes(): string[] {
    return [...this.peers.keys()]
  }

  isConnected(node: string): boolean {
    return this.peers.has(node)
  }

  /** Connects to `peer` through `link` (see Transport.connect): nodeup. */
  connect(peer: string, link: unknown): void {
    if (this.closed || peer === this.node.name || this.peers.has(peer)) return
    this.transport.connect(peer, link)
    const pe = new Peer(peer)
    this.peers.set(peer, pe)
    this.lastPid = null
    // Erlang's pg: on nodeup each scope sends its local members to the new peer.
    for (const scope of this.scopes) {
      const groups = this.node.pg(scope)._localGroups()
      if (groups.length > 0) this.push2(pe, W.PG_SYNC, scope, groups)
    }
    this.notifyNode({ type: 'nodeup', node: peer }, false)
  }

  /** `peer` is gone (its thread died, it was stopped, or its heartbeat stopped): see the module comment. */
  nodeDown(peer: string, reason: unknown): void {
    const pe = this.peers.get(peer)
    if (pe === undefined) return
    // Frames it sent before dying are handled before the nodedown (the transport drains them).
    this.transport.disconnect(peer)
    this.peers.delete(peer)
    this.lastPid = null
    pe.out = []
    const node = this.node
    for (const scope of this.scopes) node.pg(scope)._nodeDown(peer)
    for (const [ref, target] of this.served) {
      const p = node._process(target)
      const w = p?.monitors?.get(ref)
      if (w instanceof RemoteWatcher && w.peer === peer) {
        p!.monitors!.delete(ref)
        this.served.delete(ref)
      }
    }
    for (const [ref, rc] of [...this.calls]) {
      if (rc.peer !== peer) continue
      this.settleCall(ref)
      rc.reject(new CallExited({ pid: rc.pid, reason: 'noconnection' }))
    }
    for (const [id, s] of [...this.spawns]) {
      if (s.peer !== peer) continue
      this.spawns.delete(id)
      s.reject(new SpawnFailed({ node: peer, actor: s.actor, reason: 'noconnection' }))
    }
    const exits: [Process, Pid][] = []
    const downs: [Process, Ref, Pid][] = []
    for (const p of node.procs.values()) {
      if (p.links !== null) for (const o of p.links) if (nodeOf(o) === peer) exits.push([p, o])
      if (p.monitoring !== null) for (const [ref, t] of p.monitoring) if (nodeOf(t) === peer) downs.push([p, ref, t])
      if (p.monitors !== null) for (const [ref, w] of p.monitors) if (w instanceof RemoteWatcher && w.peer === peer) p.monitors.delete(ref)
    }
    for (const [p, ref, t] of downs) {
      if (p.alive && p.monitoring?.delete(ref) === true) node.deliver(p, { type: 'DOWN', ref, pid: t, reason: 'noconnection' }, false)
    }
    for (const [p, o] of exits) {
      if (p.alive) this.applyExit(p, o, 'noconnection', true, p.links?.delete(o) === true)
    }
    this.notifyNode({ type: 'nodedown', node: peer, reason }, true)
  }

  /** Leaves the cluster: every peer goes down for this node (`reason`), and the node is detached. */
  close(reason: unknown = 'shutdown'): void {
    if (this.closed) return
    this.flush()
    for (const peer of [...this.peers.keys()]) this.nodeDown(peer, reason)
    this.closed = true
    if (this.node.remote === this) this.node.remote = null
    byNode.delete(this.node)
  }

  // ---------------------------------------------------------------- node monitors

  /** Sends `watcher` one `nodedown` when `node` goes down (at once if it is not connected). */
  monitorNode(watcher: Pid, node: string): void {
    if (typeof node !== 'string') throw new TypeError(`node must be a node name, got ${describe(node)}`)
    const p = this.node._process(watcher)
    if (p === undefined) return
    if (!this.peers.has(node)) {
      this.node.deliver(p, { type: 'nodedown', node, reason: 'noconnection' } satisfies NodeDownMessage, false)
      return
    }
    this.watch(watcher, node)
  }

  /** Sends `watcher` every `nodeup` and `nodedown` from now on (Erlang's `net_kernel:monitor_nodes`). */
  monitorNodes(watcher: Pid): void {
    if (this.node._process(watcher) !== undefined) this.watch(watcher, null)
  }

  /** Stops what monitorNode / monitorNodes (node `null`) started. */
  demonitorNode(watcher: Pid, node: string | null): void {
    const s = this.nodeWatchers.get(watcher)
    if (s === undefined) return
    s.delete(node)
    if (s.size === 0) this.nodeWatchers.delete(watcher)
  }

  private watch(watcher: Pid, node: string | null): void {
    let s = this.nodeWatchers.get(watcher)
    if (s === undefined) this.nodeWatchers.set(watcher, (s = new Set()))
    s.add(node)
    this.node._addHook(watcher, this)
  }

  /** @internal */
  onProcessExit(pid: Pid): void {
    this.nodeWatchers.delete(pid)
  }

  private notifyNode(m: NodeUpMessage | NodeDownMessage, down: boolean): void {
    for (const [w, s] of [...this.nodeWatchers]) {
      const p = this.node._process(w)
      if (p === undefined) continue
      const once = down && s.delete(m.node)
      if (s.size === 0) this.nodeWatchers.delete(w)
      if (once || s.has(null)) this.node.deliver(p, m, false)
    }
  }

  // ---------------------------------------------------------------- remote spawn

  /**
   * Spawns `ref` on `node` (this one included). With a parent, mode 1 links and mode 2
   * monitors it atomically: the child is linked or monitored before it runs. Mode 3 links
   * like mode 1 and answers only once a behaviour's `init` has finished (rejecting with
   * `InitFailed` if it fails), like `proc_lib:start_link` on another node.
   */
  spawn(node: string, ref: ActorRef, args: readonly unknown[] | undefined, opts: SpawnOptions | undefined, parent: Process | null, mode: SpawnMode): Promise<SpawnResult> {
    if (typeof node !== 'string') throw new TypeError(`node must be a node name, got ${describe(node)}`)
    if (typeof ref !== 'object' || ref === null || typeof ref.url !== 'string' || typeof ref.export !== 'string')
      throw new TypeError(`ref must be an ActorRef (see actorRef()), got ${describe(ref)}`)
    if (args !== undefined && !Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`)
    const actor = `${ref.export} of ${ref.url}`
    if (node === this.node.name) {
      const here = (a: Parameters<Node['_spawn']>[0]): SpawnResult | Promise<SpawnResult> => {
        if (parent !== null && !parent.alive) throw new SpawnFailed({ node, actor, reason: 'noproc' })
        if (mode === 3) return this.node._start(a, args, opts, parent, 1).then((pid) => ({ pid, ref: undefined as unknown as Ref }))
        return this.node._spawn(a, args, opts, parent, mode)
      }
      try {
        const now = loadedActor(ref.url, ref.export)
        if (now !== undefined) return Promise.resolve(here(now))
      } catch (e) {
        return Promise.reject(SpawnFailed.is(e) ? e : new SpawnFailed({ node, actor, reason: e }))
      }
      return loadActor(ref.url, ref.export).then(here, (e: unknown) => {
        throw new SpawnFailed({ node, actor, reason: e })
      })
    }
    try {
      this.check(args, 'args')
      if (opts !== undefined) this.check(opts, 'options')
    } catch (e) {
      return Promise.reject(e)
    }
    const pe = this.peers.get(node)
    if (pe === undefined) return Promise.reject(new SpawnFailed({ node, actor, reason: 'noconnection' }))
    const id = ++this.spawnSerial
    return new Promise((resolve, reject) => {
      this.spawns.set(id, { peer: node, actor, parent: parent?.self ?? null, mode, resolve, reject })
      this.push(pe, W.SPAWN, id, ref.url, ref.export, args ?? [], opts ?? null, mode, parent?.self ?? null)
      this.transport.probe?.(node)
    })
  }

  private onSpawn(peer: string, id: number, url: string, name: string, args: unknown[], opts: SpawnOptions | null, mode: SpawnMode, parent: Pid | null): void {
    let actor
    try {
      actor = loadedActor(url, name)
    } catch (e) {
      return this.pushTo(peer, W.SPAWN_FAILED, id, encodeError(e))
    }
    if (actor !== undefined) return this.spawnHere(peer, id, actor, args, opts, mode, parent)
    loadActor(url, name).then(
      (a) => this.spawnHere(peer, id, a, args, opts, mode, parent),
      (e) => this.pushTo(peer, W.SPAWN_FAILED, id, encodeError(e)),
    )
  }

  private spawnHere(peer: string, id: number, actor: Parameters<Node['_spawn']>[0], args: unknown[], opts: SpawnOptions | null, mode: SpawnMode, parent: Pid | null): void {
    let r: SpawnResult
    // Mode 3 answers when init is done; the waiter settles once, after the link below exists.
    const waiter =
      mode === 3
        ? {
            resolve: (pid: Pid) => this.pushTo(peer, W.SPAWNED, id, pid, null),
            reject: (e: unknown) => this.pushTo(peer, W.SPAWN_FAILED, id, encodeError(e)),
          }
        : undefined
    try {
      r = this.node._spawn(actor, args, opts ?? undefined, null, 0, waiter)
    } catch (e) {
      return this.pushTo(peer, W.SPAWN_FAILED, id, encodeError(e))
    }
    let ref: Ref | null = null
    if (parent !== null) {
      const p = this.node._process(r.pid)!
      p.parent = parent
      if (mode === 1 || mode === 3) p.links = new Set([parent])
      else if (mode === 2) {
        ref = this.node.newRef()
        ;(p.monitors ??= new Map()).set(ref, new RemoteWatcher(this, peer, parent))
      }
    }
    // Pushed before the child runs (it starts on the next drain), so a LINK_EXIT or DOWN
    // for it can only follow this reply on the wire. Mode 3 answers from its waiter instead.
    if (mode !== 3) this.pushTo(peer, W.SPAWNED, id, r.pid, ref)
  }

  private onSpawned(peer: string, id: number, pid: Pid, ref: Ref | null): void {
    const s = this.spawns.get(id)
    if (s === undefined) return
    this.spawns.delete(id)
    if (s.parent !== null && s.mode !== 0) {
      const pp = this.node._process(s.parent)
      if (s.mode === 1 || s.mode === 3) {
        if (pp !== undefined) (pp.links ??= new Set()).add(pid)
        else this.pushTo(peer, W.LINK_EXIT, pid, s.parent, 'noproc')
      } else if (ref !== null) {
        if (pp !== undefined) (pp.monitoring ??= new Map()).set(ref, pid)
        else this.pushTo(peer, W.DEMONITOR, pid, ref)
      }
    }
    s.resolve({ pid, ref: ref as Ref })
  }

  // ---------------------------------------------------------------- RemoteRouter (outgoing)

  /** The connected peer a pid lives on, if any. */
  private peerOf(pid: Pid): Peer | undefined {
    if (pid === this.lastPid) return this.lastPeer
    const pe = this.peers.get(nodeOf(pid))
    this.lastPid = pid
    this.lastPeer = pe
    return pe
  }

  /** @internal */
  send(to: Pid, msg: unknown): void {
    if (msg instanceof CastRequest) {
      this.check(msg.message, 'message')
      const pe = this.peerOf(to)
      if (pe !== undefined) this.push2(pe, W.CAST, to, msg.message)
      return
    }
    this.check(msg, 'message')
    const pe = this.peerOf(to)
    if (pe === undefined) return
    if (pe.runTo === to && pe.out.length > 0) pe.out.push(W.SEND_MORE, msg)
    else {
      pe.out.push(W.SEND, to, msg)
      pe.runTo = to
    }
    if (!pe.dirty || pe.out.length >= distributionDefaults.maxBatchFields) this.mark(pe)
  }

  /** @internal */
  sendNamed(to: { readonly name: Name; readonly node: string }, msg: unknown): void {
    if (!isName(to.name)) throw new TypeError(`to.name must be a non-empty string or tuple, got ${describe(to.name)}`)
    const cast = msg instanceof CastRequest
    const m = cast ? (msg as CastRequest).message : msg
    this.check(m, 'message')
    const pe = this.peers.get(to.node)
    if (pe !== undefined) this.push2(pe, cast ? W.CAST_NAMED : W.SEND_NAMED, to.name, m)
  }

  /** @internal */
  call(to: Pid | { readonly name: Name; readonly node: string }, request: unknown, timeout: number, caller: Pid): Promise<unknown> {
    const named = typeof to !== 'string'
    const label = named ? `${JSON.stringify(to.name)} on ${to.node}` : to
    try {
      this.check(request, 'request')
    } catch (e) {
      return Promise.reject(e)
    }
    const pe = this.peers.get(named ? to.node : nodeOf(to))
    if (pe === undefined) return Promise.reject(new CallExited({ pid: label, reason: 'noconnection' }))
    const ref = this.node.newRef()
    return new Promise((resolve, reject) => {
      const rc: RemoteCall = { peer: pe.name, pid: label, resolve, reject, timer: undefined }
      this.calls.set(ref, rc)
      if (timeout !== Infinity) {
        rc.timer = this.node.clock.setTimeout(() => {
          if (this.calls.get(ref) !== rc) return
          this.calls.delete(ref)
          reject(new CallTimeout({ pid: label, timeout }))
        }, timeout)
      }
      this.push(pe, named ? W.CALL_NAMED : W.CALL, named ? to.name : to, request, ref, caller)
    })
  }

  /** @internal */
  reply(to: ReplyTo, value: unknown): void {
    const target = this.served.get(to.ref)
    if (target !== undefined) {
      this.served.delete(to.ref)
      this.node._process(target)?.monitors?.delete(to.ref)
    }
    const pe = this.peers.get(to.node)
    if (pe === undefined) return
    try {
      this.check(value, 'reply')
    } catch (e) {
      // The caller, not the callee, asked for something that cannot cross: it gets the error.
      return this.push2(pe, W.CALL_ERROR, to.ref, encodeError(e))
    }
    this.push2(pe, W.REPLY, to.ref, value)
  }

  /** @internal */
  exit(to: Pid, reason: ExitReason, from: Pid): void {
    const pe = this.peerOf(to)
    if (pe !== undefined) this.push(pe, W.EXIT, to, from, W.encodeReason(reason))
  }

  /** @internal */
  link(from: Pid, to: Pid): boolean {
    const pe = this.peerOf(to)
    if (pe === undefined) return false
    this.push2(pe, W.LINK, from, to)
    return true
  }

  /** @internal */
  unlink(from: Pid, to: Pid): void {
    const pe = this.peerOf(to)
    if (pe !== undefined) this.push2(pe, W.UNLINK, from, to)
  }

  /** @internal */
  linkExit(to: Pid, from: Pid, reason: ExitReason): void {
    const pe = this.peerOf(to)
    if (pe !== undefined) this.push(pe, W.LINK_EXIT, to, from, W.encodeReason(reason))
  }

  /** @internal */
  monitor(watcher: Pid, target: Pid, ref: Ref): boolean {
    const pe = this.peerOf(target)
    if (pe === undefined) return false
    this.push(pe, W.MONITOR, watcher, target, ref)
    return true
  }

  /** @internal */
  demonitor(target: Pid, ref: Ref): void {
    const pe = this.peerOf(target)
    if (pe !== undefined) this.push2(pe, W.DEMONITOR, target, ref)
  }

  /** @internal */
  pgChanged(scope: string, type: 'pg_join' | 'pg_leave', group: Name, pids: readonly Pid[]): void {
    this.scopes.add(scope)
    const kind = type === 'pg_join' ? W.PG_JOIN : W.PG_LEAVE
    for (const pe of this.peers.values()) this.push(pe, kind, scope, group, pids)
  }

  /** @internal A RemoteWatcher fired: the local process it watched exited. */
  _remoteDown(w: RemoteWatcher, ref: Ref, pid: Pid, reason: ExitReason): void {
    if (w.watcher === null) {
      this.served.delete(ref)
      this.pushTo(w.peer, W.CALL_FAILED, ref, pid, W.encodeReason(reason))
    } else this.pushTo(w.peer, W.DOWN, w.watcher, ref, pid, W.encodeReason(reason))
  }

  /** The send-site check: structured clone first (it names the path), then the transport's own. */
  private check(value: unknown, path: string): void {
    assertCloneable(value, path)
    if (this.sendable !== null) this.sendable(value, path)
  }

  // ---------------------------------------------------------------- batching

  private pushTo(peer: string, ...fields: unknown[]): void {
    const pe = this.peers.get(peer)
    if (pe === undefined) return
    this.push(pe, ...fields)
  }

  private push2(pe: Peer, kind: number, a: unknown, b: unknown): void {
    pe.out.push(kind, a, b)
    pe.runTo = null
    if (!pe.dirty || pe.out.length >= distributionDefaults.maxBatchFields) this.mark(pe)
  }

  private push(pe: Peer, ...fields: unknown[]): void {
    for (const f of fields) pe.out.push(f)
    pe.runTo = null
    this.mark(pe)
  }

  private mark(pe: Peer): void {
    if (pe.out.length >= distributionDefaults.maxBatchFields) {
      const b = pe.out
      pe.out = []
      this.post(pe, b)
      return
    }
    if (pe.dirty) return
    pe.dirty = true
    this.dirty.push(pe)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      queueMicrotask(this.flushFn)
    }
  }

  /** Posts every peer's pending batch now. */
  flush(): void {
    this.flushScheduled = false
    const d = this.dirty
    this.dirty = []
    for (const pe of d) {
      pe.dirty = false
      if (pe.out.length === 0 || this.peers.get(pe.name) !== pe) continue
      const b = pe.out
      pe.out = []
      this.post(pe, b)
    }
  }

  private post(pe: Peer, b: unknown[]): void {
    try {
      this.transport.send(pe.name, b)
    } catch {
      // Something the send-site walk let through (a throwing getter, a host object): post
      // frame by frame so only the offending frames are lost, and fail their calls.
      let runTo: unknown = null
      for (let i = 0; i < b.length; ) {
        const k = b[i] as number
        const n = 1 + W.ARITY[k]!
        if (k === W.SEND) runTo = b[i + 1]
        // Alone, a SEND_MORE would have no target: it goes as the SEND it stands for.
        const frame = k === W.SEND_MORE ? [W.SEND, runTo, b[i + 1]] : b.slice(i, i + n)
        try {
          this.transport.send(pe.name, frame)
        } catch (e) {
          if (k === W.CALL || k === W.CALL_NAMED) {
            const ref = frame[3] as Ref
            const rc = this.settleCall(ref)
            rc?.reject(new NotCloneable({ path: 'request', what: (e as Error).message }))
          }
        }
        i += n
      }
    }
  }

  private settleCall(ref: Ref): RemoteCall | undefined {
    const rc = this.calls.get(ref)
    if (rc === undefined) return undefined
    this.calls.delete(ref)
    if (rc.timer !== undefined) this.node.clock.clearTimeout(rc.timer)
    return rc
  }

  // ---------------------------------------------------------------- incoming

  private onBatch(peer: string, b: unknown[]): void {
    const node = this.node
    const from = node.pid
    const n = b.length
    let i = 0
    let runTo: unknown = undefined
    while (i < n) {
      const k = b[i] as number
      try {
        if (k === W.SEND_MORE) node._send(runTo, b[i + 1], from)
        else if (k === W.SEND) node._send((runTo = b[i + 1]), b[i + 2], from)
        else this.onFrame(peer, k, b, i + 1)
      } catch {
        // A full bounded mailbox refuses a remote message as it would a local one; the
        // sender is on another thread and cannot be told, so the message is dropped.
      }
      i += 1 + W.ARITY[k]!
    }
  }

  private onFrame(peer: string, k: number, b: unknown[], i: number): void {
    const node = this.node
    switch (k) {
      case W.CAST:
        node._send(b[i], new CastRequest(b[i + 1]), node.pid)
        return
      case W.SEND_NAMED:
      case W.CAST_NAMED: {
        // Sending to {name, node} that nobody holds there is dropped, as in Erlang.
        const pid = node.whereis(b[i] as Name)
        if (pid !== undefined) node._send(pid, k === W.CAST_NAMED ? new CastRequest(b[i + 1]) : b[i + 1], node.pid)
        return
      }
      case W.CALL:
      case W.CALL_NAMED: {
        const target = k === W.CALL ? (b[i] as Pid) : node.whereis(b[i] as Name)
        const ref = b[i + 2] as Ref
        const p = target === undefined ? undefined : node._process(target)
        if (p === undefined) return this.pushTo(peer, W.CALL_FAILED, ref, target ?? JSON.stringify(b[i]), 'noproc')
        ;(p.monitors ??= new Map()).set(ref, new RemoteWatcher(this, peer, null))
        this.served.set(ref, p.self)
        try {
          node.deliver(p, new CallRequest(b[i + 1], { node: peer, ref, caller: b[i + 3] as Pid }), true)
        } catch (e) {
          p.monitors?.delete(ref)
          this.served.delete(ref)
          this.pushTo(peer, W.CALL_ERROR, ref, encodeError(e))
        }
        return
      }
      case W.REPLY:
        this.settleCall(b[i] as Ref)?.resolve(b[i + 1])
        return
      case W.CALL_FAILED: {
        const rc = this.settleCall(b[i] as Ref)
        rc?.reject(new CallExited({ pid: rc.pid, reason: W.decodeReason(b[i + 2]) }))
        return
      }
      case W.CALL_ERROR:
        this.settleCall(b[i] as Ref)?.reject(decodeError(b[i + 1]))
        return
      case W.EXIT:
        node._exitSignal(b[i] as Pid, W.decodeReason(b[i + 2]), b[i + 1] as Pid)
        return
      case W.LINK: {
        const q = node._process(b[i + 1] as Pid)
        if (q !== undefined) (q.links ??= new Set()).add(b[i] as Pid)
        else this.pushTo(peer, W.LINK_EXIT, b[i], b[i + 1], 'noproc')
        return
      }
      case W.UNLINK:
        node._process(b[i + 1] as Pid)?.links?.delete(b[i] as Pid)
        return
      case W.LINK_EXIT: {
        const q = node._process(b[i] as Pid)
        if (q !== undefined) this.applyExit(q, b[i + 1] as Pid, W.decodeReason(b[i + 2]), true, q.links?.delete(b[i + 1] as Pid) === true)
        return
      }
      case W.MONITOR: {
        const t = node._process(b[i + 1] as Pid)
        if (t !== undefined) (t.monitors ??= new Map()).set(b[i + 2] as Ref, new RemoteWatcher(this, peer, b[i] as Pid))
        else this.pushTo(peer, W.DOWN, b[i], b[i + 2], b[i + 1], 'noproc')
        return
      }
      case W.DEMONITOR:
        node._process(b[i] as Pid)?.monitors?.delete(b[i + 1] as Ref)
        return
      case W.DOWN: {
        const wp = node._process(b[i] as Pid)
        const ref = b[i + 1] as Ref
        if (wp !== undefined && wp.monitoring?.delete(ref) === true)
          node.deliver(wp, { type: 'DOWN', ref, pid: b[i + 2] as Pid, reason: W.decodeReason(b[i + 3]) }, false)
        return
      }
      case W.SPAWN:
        return this.onSpawn(peer, b[i] as number, b[i + 1] as string, b[i + 2] as string, b[i + 3] as unknown[], b[i + 4] as SpawnOptions | null, b[i + 5] as SpawnMode, b[i + 6] as Pid | null)
      case W.SPAWNED:
        return this.onSpawned(peer, b[i] as number, b[i + 1] as Pid, b[i + 2] as Ref | null)
      case W.SPAWN_FAILED: {
        const s = this.spawns.get(b[i] as number)
        if (s === undefined) return
        this.spawns.delete(b[i] as number)
        const reason = decodeError(b[i + 1])
        // A start (mode 3) whose init failed rejects as a local start would.
        s.reject(s.mode === 3 && InitFailed.is(reason) ? reason : new SpawnFailed({ node: peer, actor: s.actor, reason }))
        return
      }
      case W.PG_JOIN:
      case W.PG_LEAVE: {
        const scope = b[i] as string
        this.scopes.add(scope)
        if (k === W.PG_JOIN) node.pg(scope)._remoteJoin(b[i + 1] as Name, b[i + 2] as Pid[])
        else node.pg(scope)._remoteLeave(b[i + 1] as Name, b[i + 2] as Pid[])
        return
      }
      case W.PG_SYNC: {
        const scope = b[i] as string
        this.scopes.add(scope)
        const s = node.pg(scope)
        for (const [group, pids] of b[i + 1] as [Name, Pid[]][]) s._remoteJoin(group, pids)
        return
      }
    }
  }

  /** An exit signal from another node, by the same pure rule as a local one. */
  private applyExit(t: Process, from: Pid, reason: unknown, viaLink: boolean, linkActive: boolean): void {
    const a = decideExitSignal({ trapExit: (t.flags & TRAP_EXIT) !== 0, viaLink, linkActive, reason, fromSelf: false })
    if (a.action === 'deliver') this.node.deliver(t, { type: 'EXIT', from, reason }, false)
    else if (a.action === 'terminate') this.node.terminate(t, a.reason)
  }
}
