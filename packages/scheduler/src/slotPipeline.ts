/**
 * The data of one scheduler server: requests waiting for a slot, and slots in flight from
 * reservation to answer. The xstate machine (schedulerMachine.ts) owns one and decides when
 * each step runs; this file decides what a step does. Effects (replies, signing, publishing)
 * go through {@link PipelineEffects}, so the rules here are plain code over plain data.
 *
 * A request goes: queued (its commitments being verified) -> reserved (next slot, chained)
 * -> signed (off-thread, in any order) -> written (in slot order, one group commit at a time)
 * -> answered (in slot order, when the mode says so) -> forgotten.
 *
 * The failure rule, kept simple on purpose: when slot k fails to sign or persist, k and every
 * slot reserved after it fail too (their clients get `AssignmentFailed`), and the head goes
 * back to k - 1, whose chain is known. Nothing at or after k can be durable, because writes
 * are in order and one at a time, so the next request gets slot k as if the failed ones never
 * happened. The alternative, re-signing the later ones on a new chain, would reorder clients.
 */
import { RingBuffer, describeReason, type ReplyTo } from '@troupe/core'
import { nextAssignment, type Assignment } from './assignment.js'
import { toRecord, unsignedAssignmentMessage, type AssignmentMessage, type BlockInfo } from './assignmentMessage.js'
import { AssignmentFailed, SchedulerStopped, UnverifiedMessage } from './errors.js'
import { committedView, type Message } from './message.js'
import type { SchedulingMode } from './schedulingMode.js'

/** A server's answer to a call: the client functions unwrap it. */
export type ServerReply<T = AssignmentMessage> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error }

/** A request waiting for a slot. */
export interface Queued {
  readonly msg: Message
  readonly from: ReplyTo
  /** Clock time after which the caller has given up: the request is then dropped unreserved. */
  readonly deadline: number
  /** `undefined` while its commitments are being verified. */
  verdict: true | Error | undefined
}

/** A reserved slot, until it is durable and answered (or failed). */
export interface InFlight {
  readonly slot: number
  readonly from: ReplyTo
  readonly record: Assignment
  readonly unsigned: AssignmentMessage
  signed: AssignmentMessage | undefined
  /** The record to store once signed (see `signedAssignment`). */
  stored: Assignment | undefined
  durable: boolean
  answered: boolean
  /** remote_confirmation: `undefined` until the publisher answers, then `null` (accepted) or its error. */
  publishError: unknown
  /** Failed or abandoned: late completions for it are ignored. */
  dead: boolean
}

export interface PipelineEffects {
  now(): number
  block(): BlockInfo
  /** False once the hosting troupe process is gone (killed): start no new work then. */
  alive(): boolean
  reply(to: ReplyTo, reply: ServerReply): void
  /** Starts checking `q.msg`'s commitments; the result comes back through `verified`. */
  verify(q: Queued): void
  /** Starts signing `s.unsigned`; the result comes back through `signed` / `signFailed`. */
  sign(s: InFlight): void
  /** Starts publishing `s.signed`; the result comes back through `published`. */
  publish(s: InFlight): void
}

export interface PipelineInfo {
  readonly id: string
  /** Last slot reserved (-1 for a new process); may go back when a slot fails. */
  readonly current: number
  /** Hash chain at `current`; '' for a new process. */
  readonly hashChain: string
  readonly mode: SchedulingMode
  /** Last slot known durable, -1 if none. */
  readonly durable: number
  readonly queued: number
  readonly inFlight: number
}

const ok = (value: AssignmentMessage): ServerReply => ({ ok: true, value })
const fail = (error: Error): ServerReply => ({ ok: false, error })

export class SlotPipeline {
  private queue = new RingBuffer<Queued>()
  private pruneAt = 64
  private slots: (InFlight | undefined)[] = []
  private sh = 0
  private current = -1
  private chain: string | undefined = undefined
  private durable = -1
  private durableChain: string | undefined = undefined
  /** Next slot to put in a write; lower ones are written or being written. */
  private writeNext = 0
  /** Next slot to answer; answers go in slot order. */
  private answerNext = 0
  private batch: InFlight[] = []
  closing = false

  constructor(
    readonly procId: string,
    readonly mode: Exclude<SchedulingMode, 'disabled'>,
    readonly maxInFlight: number,
    private readonly fx: PipelineEffects,
  ) {}

  /** Takes the head from the store (initialising). */
  load(latest: { readonly slot: number; readonly hashChain: string } | undefined): void {
    this.current = this.durable = latest?.slot ?? -1
    this.chain = this.durableChain = latest?.hashChain
    this.writeNext = this.answerNext = this.current + 1
  }

  /** After a failed write, the store must agree with the durable head kept in memory. */
  consistentWith(latest: { readonly slot: number; readonly hashChain: string } | undefined): boolean {
    return (latest?.slot ?? -1) === this.durable && latest?.hashChain === this.durableChain
  }

  enqueue(msg: Message, from: ReplyTo, deadline: number): void {
    const q: Queued = { msg, from, deadline, verdict: undefined }
    if (msg['commitments'] === undefined) q.verdict = true // accepted unsigned, as HyperBEAM does
    else this.fx.verify(q)
    this.queue.push(q)
    // While the head waits (loading, verifying, at capacity), expired requests pile up behind
    // it: sweep them when the queue has doubled since the last sweep (amortized O(1)).
    if (this.queue.size >= this.pruneAt) this.prune()
  }

  verified(q: Queued, ok: boolean): void {
    q.verdict = ok ? true : new UnverifiedMessage({ procId: this.procId, reason: 'its commitments do not verify' })
  }

  /** Reserves slots for the queue's head requests, in arrival order. */
  admit(): void {
    if (this.closing || !this.fx.alive()) return
    const now = this.fx.now()
    while (this.queue.size > 0 && this.slots.length - this.sh < this.maxInFlight) {
      const q = this.queue.peek()!
      // The caller's own timer fires at the same deadline: it has given up, so no slot.
      if (now >= q.deadline) {
        this.queue.shift()
        continue
      }
      if (q.verdict === undefined) break
      this.queue.shift()
      if (q.verdict === true) this.reserve(q, now)
      else this.fx.reply(q.from, fail(q.verdict))
    }
  }

  private reserve(q: Queued, now: number): void {
    let record: Assignment
    let unsigned: AssignmentMessage
    try {
      const prev = this.current < 0 ? undefined : { slot: this.current, hashChain: this.chain! }
      record = nextAssignment(prev, this.procId, committedView(q.msg), now)
      unsigned = unsignedAssignmentMessage(record, this.fx.block())
    } catch (err) {
      // A malformed message, or a failing block provider: nothing was reserved.
      this.fx.reply(q.from, fail(err instanceof Error ? err : new Error(describeReason(err))))
      return
    }
    const s: InFlight = { slot: record.slot, from: q.from, record, unsigned, signed: undefined, stored: undefined, durable: false, answered: false, publishError: undefined, dead: false }
    this.slots.push(s)
    this.current = record.slot
    this.chain = record.hashChain
    this.fx.sign(s)
  }

  signed(s: InFlight, msg: AssignmentMessage, stored?: Assignment): void {
    if (s.dead) return
    s.signed = msg
    s.stored = stored
    if (this.mode === 'aggressive') this.answer()
  }

  signFailed(s: InFlight, err: unknown): void {
    if (!s.dead) this.failFrom(s.slot, 'sign', err)
  }

  /** True when the next slot to write is signed (and the server still lives). */
  hasBatch(): boolean {
    return this.at(this.writeNext)?.signed !== undefined && this.fx.alive()
  }

  /** Every signed slot from the write head on, in order: one store write (a group commit). */
  takeBatch(): Assignment[] {
    const records: Assignment[] = []
    this.batch = []
    for (let s = this.at(this.writeNext); s?.signed !== undefined; s = this.at(this.writeNext)) {
      records.push(s.stored ?? toRecord(s.record, s.signed))
      this.batch.push(s)
      this.writeNext++
    }
    return records
  }

  written(): void {
    const batch = this.batch
    this.batch = []
    const last = batch[batch.length - 1]
    if (last === undefined) return
    for (const s of batch) s.durable = true
    this.durable = last.slot
    this.durableChain = last.record.hashChain
    if (this.mode === 'remote_confirmation') for (const s of batch) this.fx.publish(s)
    else this.answer()
  }

  writeFailed(err: unknown): void {
    const first = this.batch[0]
    this.batch = []
    if (first !== undefined) this.failFrom(first.slot, 'persist', err)
  }

  published(s: InFlight, err: unknown): void {
    if (s.dead) return
    s.publishError = err ?? null
    this.answer()
  }

  /** No new reservations; queued requests are refused. Slots in flight go on to their answer. */
  close(reason: unknown): void {
    this.closing = true
    this.rejectQueued(reason)
  }

  /** Nothing reserved is still in flight. */
  drained(): boolean {
    return this.sh === this.slots.length
  }

  /** Final: every request not yet answered gets `SchedulerStopped`. */
  abort(reason: unknown): void {
    this.closing = true
    this.rejectQueued(reason)
    const error = new SchedulerStopped({ procId: this.procId, reason: describeReason(reason) })
    for (let i = this.sh; i < this.slots.length; i++) {
      const s = this.slots[i]!
      s.dead = true
      if (!s.answered) this.fx.reply(s.from, fail(error))
    }
    this.slots = []
    this.sh = 0
  }

  info(): PipelineInfo {
    return {
      id: this.procId,
      current: this.current,
      hashChain: this.chain ?? '',
      mode: this.mode,
      durable: this.durable,
      queued: this.queue.size,
      inFlight: this.slots.length - this.sh,
    }
  }

  // ------------------------------------------------------------------ internals

  private at(slot: number): InFlight | undefined {
    const head = this.slots[this.sh]
    return head === undefined ? undefined : this.slots[this.sh + slot - head.slot]
  }

  /** Answers, in slot order, every slot the mode lets through. */
  private answer(): void {
    for (let s = this.at(this.answerNext); s !== undefined; s = this.at(this.answerNext)) {
      let reply: ServerReply
      if (this.mode === 'aggressive') {
        if (s.signed === undefined) break
        reply = ok(s.signed)
      } else if (this.mode === 'local_confirmation') {
        if (!s.durable) break
        reply = ok(s.signed!)
      } else {
        if (s.publishError === undefined) break
        reply =
          s.publishError === null
            ? ok(s.signed!)
            : fail(new AssignmentFailed({ procId: this.procId, slot: s.slot, stage: 'publish', reason: describeReason(s.publishError) }))
      }
      s.answered = true
      this.answerNext++
      this.fx.reply(s.from, reply)
    }
    this.trim()
  }

  /** Forgets slots that are durable and answered. */
  private trim(): void {
    while (this.sh < this.slots.length) {
      const s = this.slots[this.sh]!
      if (!s.durable || !s.answered) break
      this.slots[this.sh++] = undefined
    }
    if (this.sh === this.slots.length) {
      this.slots = []
      this.sh = 0
    } else if (this.sh > 1024 && this.sh * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.sh)
      this.sh = 0
    }
  }

  /** The failure rule (see the top of this file). */
  private failFrom(k: number, stage: 'sign' | 'persist', err: unknown): void {
    const head = this.slots[this.sh]
    if (head === undefined || k < head.slot) return
    const i0 = this.sh + k - head.slot
    const reason = describeReason(err)
    for (let i = i0; i < this.slots.length; i++) {
      const s = this.slots[i]!
      s.dead = true
      if (s.answered) continue // aggressive: already acknowledged, and now lost, as the mode warns
      const error =
        i === i0
          ? new AssignmentFailed({ procId: this.procId, slot: s.slot, stage, reason })
          : new AssignmentFailed({ procId: this.procId, slot: s.slot, stage: 'aborted', reason: `slot ${k} failed at ${stage}: ${reason}` })
      this.fx.reply(s.from, fail(error))
    }
    this.slots.length = i0
    this.current = k - 1
    // Slots before the head were trimmed, hence durable: then k - 1 is the durable head.
    this.chain = i0 > this.sh ? this.slots[i0 - 1]!.record.hashChain : this.durableChain
    this.writeNext = Math.min(this.writeNext, k)
    this.answerNext = Math.min(this.answerNext, k)
    this.trim()
  }

  private prune(): void {
    const now = this.fx.now()
    this.queue.filter((q) => q.deadline > now)
    this.pruneAt = Math.max(64, this.queue.size * 2)
  }

  private rejectQueued(reason: unknown): void {
    const error = new SchedulerStopped({ procId: this.procId, reason: describeReason(reason) })
    for (const q of this.queue.toArray()) this.fx.reply(q.from, fail(error))
    this.queue.clear()
  }
}
