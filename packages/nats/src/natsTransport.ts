/**
 * The transport between nodes in different OS processes or machines, over core NATS.
 *
 * - Membership: every node broadcasts a hello when it starts, a heartbeat every
 *   `heartbeat.interval` ms and a goodbye when it stops, on the cluster's heartbeat subject.
 *   Any verified heartbeat or batch from a node this one is not connected to connects it
 *   (nodeup); a hello is answered by an immediate heartbeat, so a newcomer learns everyone
 *   within one round trip. No JetStream KV TTL is involved (2.9 sends no watch event on expiry).
 * - Liveness, like Erlang's net ticktime: a peer not heard from for `heartbeat.timeout` ms is
 *   down (`net_tick_timeout`); a goodbye is a down at once (`shutdown`); losing this node's own
 *   NATS connection for longer than the timeout downs every peer (`no_network`).
 * - Streams: batches to a peer carry an epoch and a sequence number (see inboundStream.ts);
 *   heartbeats carry, per peer, how many batches were sent on which epoch, so a lost tail
 *   is caught too. A gap downs the peer (`sequence_gap`) and kicks it, so both sides drop the
 *   connection and every link, monitor and pending call on either side is told; they
 *   reconnect afresh on the next heartbeat, as Erlang nodes do on the next message.
 * @internal
 */
import type { Msg, NatsConnection, Subscription } from 'nats'
import type { Clock, Transport } from '@troupe/core'
import { packr, type Codec } from './codec.js'
import type { Subjects } from './subjects.js'
import { decideClaim, decideInbound } from './inboundStream.js'
import { NotEncodable, PayloadTooLarge } from './errors.js'

/** Room left in a publish for the envelope around one value (tag, kind, node names, sequence). */
const ENVELOPE = 1024

/** Where warnings go (bad signatures, kicks). */
export interface NatsLogger {
  warn(message: string): void
}

// Kinds on a node's data subject.
const DATA = 0 //  from, epoch, seq, batch
const KICK = 1 //  from, epoch of the sender's view of your stream (0: any), reason
const PROBE = 2 // from (a request: answered with an empty reply)
// Kinds on the heartbeat subject: from, claims [peer, epoch, seq][]
const HELLO = 0
const BEAT = 1
const BYE = 2

interface PeerState {
  readonly subject: string
  /** This node's stream to the peer. */
  readonly outEpoch: number
  outSeq: number
  /** The peer's stream to this node, as received. */
  inEpoch: number
  inSeq: number
  lastHeard: number
}

export interface NatsTransportOptions {
  readonly nc: NatsConnection
  readonly self: string
  readonly subjects: Subjects
  readonly codec: Codec
  readonly heartbeat: { readonly interval: number; readonly timeout: number }
  readonly clock: Clock
  readonly logger: NatsLogger
  /** Called to connect a peer (nodeup) and to drop one (nodedown, with its reason). */
  readonly up: (peer: string) => void
  readonly down: (peer: string, reason: string) => void
}

export class NatsTransport implements Transport {
  private readonly o: NatsTransportOptions
  private readonly peers = new Map<string, PeerState>()
  /** Highest inbound epoch per peer that was declared down. */
  private readonly dead = new Map<string, number>()
  private epoch = 0
  private onMsg: (peer: string, batch: unknown[]) => void = () => {}
  private readonly subs: Subscription[] = []
  private timer: unknown = undefined
  private lastTick: number
  private offline: unknown = undefined
  private beatSoon = false
  private closed = false
  private readonly lastKick = new Map<string, number>()
  private readonly badLogged = new Map<string, { at: number; count: number }>()
  /** The most a publish may carry (the server's max_payload). */
  readonly maxPayload: number

  constructor(o: NatsTransportOptions) {
    this.o = o
    this.lastTick = o.clock.now()
    this.maxPayload = o.nc.info?.max_payload ?? 1024 * 1024
  }

  /** Subscribes, says hello, starts the heartbeat and the watch on this node's own connection. */
  async start(): Promise<void> {
    const { nc, subjects, self } = this.o
    this.subs.push(nc.subscribe(subjects.heartbeat, { callback: (err, m) => err === null && this.onBeat(m) }))
    this.subs.push(nc.subscribe(subjects.data(self), { callback: (err, m) => err === null && this.onData(m) }))
    // The subscriptions must be registered on the server before anyone answers the hello.
    await nc.flush()
    this.publishBeat(HELLO)
    this.schedule()
    void this.watchStatus()
  }

  // ---------------------------------------------------------------- Transport

  connect(peer: string): void {
    this.peers.set(peer, {
      subject: this.o.subjects.data(peer),
      outEpoch: ++this.epoch,
      outSeq: 0,
      inEpoch: 0,
      inSeq: 0,
      lastHeard: this.o.clock.now(),
    })
  }

  send(peer: string, batch: unknown[]): void {
    const st = this.peers.get(peer)
    if (st === undefined) return
    const data = this.o.codec.seal(st.subject, [DATA, this.o.self, st.outEpoch, st.outSeq + 1, batch])
    // Distribution re-posts frame by frame when a batch is refused; each frame fits, as the
    // send-site check (assertSendable) saw to.
    if (data.length > this.maxPayload) throw new PayloadTooLarge({ path: 'batch', size: data.length, limit: this.maxPayload })
    st.outSeq++
    try {
      this.o.nc.publish(st.subject, data)
    } catch {
      // A closed connection: the batch is lost, the sequence number is spent, and the peer
      // (or this node's own connection watch) turns the hole into a nodedown.
    }
  }

  /** The send-site check (see Transport.assertSendable): msgpackr must take it, and it must fit. */
  assertSendable(value: unknown, path: string): void {
    const limit = this.maxPayload - ENVELOPE
    // Most messages are small primitives: skip encoding what cannot be too large.
    if (typeof value !== 'object' || value === null) {
      if (typeof value !== 'string' || value.length * 3 < limit) return
    }
    let size: number
    try {
      size = packr.pack(value).length
    } catch (e) {
      throw new NotEncodable({ path, what: (e as Error).message })
    }
    if (size > limit) throw new PayloadTooLarge({ path, size, limit })
  }

  onMessage(handler: (peer: string, batch: unknown[]) => void): void {
    this.onMsg = handler
  }

  onDown(): void {
    // Every down this transport detects carries its own reason, through `options.down`.
  }

  disconnect(peer: string): void {
    const st = this.peers.get(peer)
    if (st === undefined) return
    this.peers.delete(peer)
    if (st.inEpoch > (this.dead.get(peer) ?? 0)) this.dead.set(peer, st.inEpoch)
  }

  /** A spawn was queued for `peer`: if no one subscribes to its subject any more, it is down now. */
  probe(peer: string): void {
    const st = this.peers.get(peer)
    if (st === undefined) return
    this.o.nc.request(st.subject, this.o.codec.seal(st.subject, [PROBE, this.o.self]), { timeout: this.o.heartbeat.timeout }).then(
      () => {},
      (e: { code?: string }) => {
        if (e?.code === '503' && this.peers.get(peer) === st) this.declareDown(peer, 'no_responders', false)
      },
    )
  }

  // ---------------------------------------------------------------- incoming

  private onBeat(m: Msg): void {
    if (this.closed) return
    const body = this.open(m)
    if (!Array.isArray(body) || typeof body[1] !== 'string') return
    const [kind, from, claims] = body as [number, string, [string, number, number][]]
    if (from === this.o.self) return
    if (kind === BYE) {
      if (this.peers.has(from)) this.declareDown(from, 'shutdown', false)
      return
    }
    const mine = Array.isArray(claims) ? claims.find((c) => c[0] === this.o.self) : undefined
    let st = this.peers.get(from)
    if (st === undefined) {
      // Still on a stream this node dropped: it has not heard yet; tell it again.
      if (mine !== undefined && mine[1] <= (this.dead.get(from) ?? 0)) return this.kick(from, mine[1], 'stale stream')
      this.o.up(from)
      st = this.peers.get(from)
      if (st === undefined) return
    }
    st.lastHeard = this.o.clock.now()
    if (mine !== undefined && decideClaim({ epoch: st.inEpoch, seq: st.inSeq, dead: 0 }, mine[1], mine[2]) === 'gap') {
      return this.declareDown(from, 'sequence_gap', true)
    }
    if (kind === HELLO && !this.beatSoon) {
      this.beatSoon = true
      queueMicrotask(() => {
        this.beatSoon = false
        if (!this.closed) this.publishBeat(BEAT)
      })
    }
  }

  private onData(m: Msg): void {
    if (this.closed) return
    const body = this.open(m)
    if (!Array.isArray(body) || typeof body[1] !== 'string') return
    const from = body[1] as string
    switch (body[0]) {
      case PROBE:
        if (m.reply) m.respond()
        return
      case KICK: {
        const st = this.peers.get(from)
        const epoch = body[2] as number
        if (st !== undefined && (epoch === 0 || st.outEpoch <= epoch)) {
          this.o.logger.warn(`troupe/nats: ${from} dropped its connection with ${this.o.self} (${String(body[3])})`)
          this.declareDown(from, 'connection_closed', false)
        }
        return
      }
      case DATA:
        return this.onBatch(from, body[2] as number, body[3] as number, body[4] as unknown[])
    }
  }

  private onBatch(from: string, epoch: number, seq: number, batch: unknown[]): void {
    let st = this.peers.get(from)
    const dead = this.dead.get(from) ?? 0
    let d = decideInbound(st === undefined ? { epoch: 0, seq: 0, dead } : { epoch: st.inEpoch, seq: st.inSeq, dead }, epoch, seq)
    if (d === 'reset') {
      this.declareDown(from, 'connection_closed', false)
      st = undefined
      d = decideInbound({ epoch: 0, seq: 0, dead: this.dead.get(from) ?? 0 }, epoch, seq)
    }
    if (d === 'deliver') {
      if (st === undefined) {
        // A verified batch from a node not connected yet: it heard this node before this
        // node heard it. Connect first, so the batch finds the peer.
        this.o.up(from)
        st = this.peers.get(from)
        if (st === undefined) return
      }
      st.inEpoch = epoch
      st.inSeq = seq
      st.lastHeard = this.o.clock.now()
      this.onMsg(from, batch)
    } else if (d === 'gap') {
      if (st !== undefined) this.declareDown(from, 'sequence_gap', true)
      else this.kick(from, epoch, 'stream started before this node connected')
    } else if (d === 'stale') this.kick(from, epoch, 'stale stream')
  }

  /** The decoded body of a verified message; a message that does not verify is dropped and logged. */
  private open(m: Msg): unknown {
    let body: unknown
    try {
      body = this.o.codec.open(m.subject, m.data)
    } catch {
      body = undefined
    }
    if (body === undefined) this.logBad(m.subject)
    return body
  }

  private logBad(subject: string): void {
    const now = this.o.clock.now()
    const b = this.badLogged.get(subject)
    if (b !== undefined && now - b.at < 5000) {
      b.count++
      return
    }
    const more = b !== undefined && b.count > 0 ? ` (and ${b.count} more since the last warning)` : ''
    this.badLogged.set(subject, { at: now, count: 0 })
    this.o.logger.warn(`troupe/nats: dropped a message on ${subject} that is not signed with this cluster's secret${more}`)
  }

  // ---------------------------------------------------------------- liveness

  private declareDown(peer: string, reason: string, kick: boolean): void {
    const st = this.peers.get(peer)
    if (st === undefined) return
    if (kick) this.kick(peer, st.inEpoch, reason)
    this.o.down(peer, reason)
    // If the node layer did not disconnect (closed already), forget the peer anyway.
    this.disconnect(peer)
  }

  /** Tells `peer` this node dropped its stream `epoch` (0: whichever it has), at most once per interval. */
  private kick(peer: string, epoch: number, reason: string): void {
    const now = this.o.clock.now()
    if (now - (this.lastKick.get(peer) ?? -Infinity) < this.o.heartbeat.interval) return
    this.lastKick.set(peer, now)
    const subject = this.o.subjects.data(peer)
    try {
      this.o.nc.publish(subject, this.o.codec.seal(subject, [KICK, this.o.self, epoch, reason]))
    } catch {
      // Closed: the peer will miss our heartbeats instead.
    }
  }

  private publishBeat(kind: number): void {
    const claims: [string, number, number][] = []
    for (const [peer, st] of this.peers) claims.push([peer, st.outEpoch, st.outSeq])
    const { heartbeat } = this.o.subjects
    try {
      this.o.nc.publish(heartbeat, this.o.codec.seal(heartbeat, [kind, this.o.self, claims]))
    } catch {
      // Closed or reconnecting with a full buffer: peers will notice the silence.
    }
  }

  private schedule(): void {
    const { clock, heartbeat } = this.o
    this.timer = clock.setTimeout(() => {
      if (this.closed) return
      const now = clock.now()
      // This node's own event loop stalled (a long synchronous task): the silence is ours,
      // not the peers'. Give them a fresh window; sequence numbers catch what was lost.
      const stalled = now - this.lastTick > heartbeat.timeout
      this.lastTick = now
      for (const [peer, st] of [...this.peers]) {
        if (stalled) st.lastHeard = now
        else if (now - st.lastHeard > heartbeat.timeout) this.declareDown(peer, 'net_tick_timeout', true)
      }
      this.publishBeat(BEAT)
      this.schedule()
    }, heartbeat.interval)
    // Liveness checks alone must not keep the process alive (the connection does).
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** This node's own connection: down for longer than the timeout, every peer is down. */
  private async watchStatus(): Promise<void> {
    const { nc, clock, heartbeat } = this.o
    void nc.closed().then(() => this.allDown('no_network'))
    for await (const s of nc.status()) {
      if (this.closed) return
      if (s.type === 'disconnect' && this.offline === undefined) {
        this.offline = clock.setTimeout(() => {
          this.offline = undefined
          this.allDown('no_network')
        }, heartbeat.timeout)
      } else if (s.type === 'reconnect' && this.offline !== undefined) {
        clock.clearTimeout(this.offline)
        this.offline = undefined
      }
    }
  }

  private allDown(reason: string): void {
    for (const peer of [...this.peers.keys()]) this.declareDown(peer, reason, false)
  }

  /** Says goodbye (after the batches already published) and stops every timer and subscription. */
  close(): void {
    if (this.closed) return
    this.publishBeat(BYE)
    this.closed = true
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer)
    if (this.offline !== undefined) this.o.clock.clearTimeout(this.offline)
    for (const s of this.subs) s.unsubscribe()
  }

  /** Connected peers (test and introspection). */
  connected(): string[] {
    return [...this.peers.keys()]
  }
}
