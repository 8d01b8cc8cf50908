/**
 * The scheduler's default signer. Ed25519: on one dedicated worker thread, in batches. RSA: on
 * libuv's threadpool, where its 5 ms signatures run on every core, a few at a time (see
 * `POOL_SIGNS` below).
 *
 * Why not libuv's async `crypto.sign` for Ed25519: a signature is ~40 µs of work, so the
 * per-call cost on the main thread (queueing the job, waking a pool thread, which often
 * preempts the main thread on a small machine, then the completion callback) is of the same
 * order, and hundreds of queued sign jobs delay lmdb-js's commits, which run on the same
 * pool (measured: commits of 10-20 ms instead of ~1 ms). Here the main thread copies the
 * bytes of the signatures asked for in one turn into one buffer and posts it: one message,
 * hence at most one wake-up of the worker, per turn. The worker signs synchronously, computes
 * what the commitment needs besides the signature (its base64url, its ID, the HMAC ID of the
 * bytes: work taken off the main thread) and answers every 64 signatures, so the first ones
 * are written while the rest are signed. The main thread signs from the other end of the same
 * batch when it has nothing else to do (see `SignWorker.help`): alone, the worker left the
 * main thread ~30% idle on two cores, waiting for signatures.
 *
 * One thread, not more: two measured no faster on two cores (each extra wake-up costs the
 * main thread), and one signs ~25k Ed25519 signatures a second. If the worker dies, the
 * signatures it owed fail (the server's failure rule applies) and the next call starts another.
 */
import { sign as cryptoSign, type KeyObject } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { hmacOfBytes, signatureId } from './id.js'
import { sign, type Wallet } from './wallet.js'

// Plain CommonJS, evaluated in the worker: no loader, no file to ship. It takes jobs from the
// front of a batch (the main thread may take from the back, see `Batch.state`) and answers
// every CHUNK signatures, so the first ones can be written while it signs the rest.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const crypto = require('node:crypto')
const { sign } = crypto
const CHUNK = 64
// One-shot hashes (Node >= 20.12) skip building Hash objects: the HMAC with the public key
// "ao" is two of them (RFC 2104), as on the main thread (id.ts).
const sha256 = crypto.hash
  ? (b) => crypto.hash('sha256', b, 'buffer')
  : (b) => crypto.createHash('sha256').update(b).digest()
const IPAD = Buffer.alloc(64, 0x36), OPAD = Buffer.alloc(64, 0x5c)
IPAD[0] ^= 0x61; IPAD[1] ^= 0x6f; OPAD[0] ^= 0x61; OPAD[1] ^= 0x6f // 'a', 'o'
const hmacAo = (bytes) => {
  const inner = Buffer.allocUnsafe(64 + bytes.byteLength)
  IPAD.copy(inner, 0)
  inner.set(bytes, 64)
  const outer = Buffer.allocUnsafe(96)
  OPAD.copy(outer, 0)
  outer.set(sha256(inner), 64)
  return sha256(outer)
}
// state[0] = (end << 16) | next: jobs next..end-1 are not taken yet.
const takeFront = (st) => {
  for (;;) {
    const v = Atomics.load(st, 0)
    const next = v & 0xffff, end = v >>> 16
    if (next >= end) return -1
    if (Atomics.compareExchange(st, 0, v, (end << 16) | (next + 1)) === v) return next
  }
}
const keys = new Map()
parentPort.on('message', (m) => {
  if (m.key !== undefined) { keys.set(m.k, m.key); return }
  const key = keys.get(m.k)
  const st = new Int32Array(m.state)
  let from = -1, count = 0, sigs, ids, errors
  const answer = () => {
    parentPort.postMessage({ id: m.id, from, count, sigs, ids, errors }, [sigs.buffer])
    count = 0
  }
  for (let i = takeFront(st); i >= 0; i = takeFront(st)) {
    if (count === 0) { from = i; sigs = new Uint8Array(64 * CHUNK); ids = new Array(3 * CHUNK); errors = [] }
    try {
      const bytes = m.buf.subarray(m.offs[i], m.offs[i + 1])
      const s = sign(null, bytes, key)
      if (s.length !== 64) throw new Error('unexpected signature length ' + s.length)
      sigs.set(s, 64 * count)
      const j = 3 * count
      ids[j] = s.toString('base64url')
      ids[j + 1] = sha256(s).toString('base64url')
      ids[j + 2] = hmacAo(bytes).toString('base64url')
    } catch (e) { errors.push([count, String((e && e.message) || e)]) }
    if (++count === CHUNK) answer()
  }
  if (count > 0) answer()
})
`

/** A worker's answer for jobs `from` to `from + count - 1` of batch `id`. */
interface Answer {
  readonly id: number
  readonly from: number
  readonly count: number
  readonly sigs: Uint8Array
  /** Per job: base64url of the signature, its commitment ID (sha256), the HMAC ID of the bytes. */
  readonly ids: string[]
  readonly errors: [number, string][]
}

/**
 * A signature with what the worker computed along with it: `[base64url(sig), signatureId(sig),
 * hmacOfBytes(bytes)]`, so the main thread does not. @internal
 */
export interface SignedBytes {
  readonly sig: Uint8Array
  readonly encodings: readonly [string, string, string]
}

interface Job {
  readonly bytes: Uint8Array
  readonly resolve: (signed: SignedBytes) => void
  readonly reject: (err: Error) => void
}

/** Jobs posted to the worker in one message. */
interface Batch {
  readonly id: number
  readonly priv: KeyObject
  readonly jobs: Job[]
  /**
   * `(end << 16) | next` in shared memory: jobs `next` to `end - 1` are still free. The worker
   * takes from the front, the main thread from the back when it has nothing else to do, each
   * by compare-and-swap, so every job is signed exactly once.
   */
  readonly state: Int32Array
  /** Jobs answered, by either thread. */
  settled: number
  /**
   * Answers of the jobs the main thread signed, released together once no job of the batch
   * is free. They are the batch's last slots, so none could be written earlier anyway, and
   * answering each on its own turn cost the server one event per signature (a quarter of
   * all signatures, ~7 µs each).
   */
  held: (() => void)[]
}

/** Jobs per batch: `Batch.state` counts in 16 bits. */
const MAX_BATCH = 0xffff

function hasFree(st: Int32Array): boolean {
  const v = Atomics.load(st, 0)
  return (v & 0xffff) < (v >>> 16)
}

function takeBack(st: Int32Array): number {
  for (;;) {
    const v = Atomics.load(st, 0)
    const next = v & 0xffff
    const end = v >>> 16
    if (next >= end) return -1
    if (Atomics.compareExchange(st, 0, v, ((end - 1) << 16) | next) === v) return end - 1
  }
}

/** Collects the signatures asked for in one turn and hands them out in chunks. */
class BatchSigner {
  readonly worker = new SignWorker()
  private waiting = new Map<KeyObject, Job[]>()
  private flushQueued = false

  sign(priv: KeyObject, bytes: Uint8Array): Promise<SignedBytes> {
    return new Promise((resolve, reject) => {
      let jobs = this.waiting.get(priv)
      if (jobs === undefined) this.waiting.set(priv, (jobs = []))
      jobs.push({ bytes, resolve, reject })
      if (!this.flushQueued) {
        this.flushQueued = true
        queueMicrotask(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.flushQueued = false
    const waiting = this.waiting
    this.waiting = new Map()
    for (const [priv, all] of waiting) {
      // One message per turn: waking a sleeping thread is what costs on a loaded machine
      // (the main thread often loses its core to it), so the worker gets the whole batch.
      for (let i = 0; i < all.length; i += MAX_BATCH) {
        const jobs = all.length <= MAX_BATCH ? all : all.slice(i, i + MAX_BATCH)
        try {
          this.worker.post(priv, jobs)
        } catch (err) {
          // No thread could be started, or the key could not be sent: these signatures fail.
          const error = err instanceof Error ? err : new Error(String(err))
          for (const j of jobs) j.reject(error)
        }
      }
    }
  }
}

/** The signing thread, and the main thread's share of its batches. */
class SignWorker {
  private worker: Worker | undefined
  get thread(): Worker | undefined {
    return this.worker
  }
  private keyIds = new WeakMap<KeyObject, number>()
  private nextKey = 0
  private nextBatch = 0
  /** Batches with jobs not answered yet, oldest first. */
  private readonly posted = new Map<number, Batch>()
  private helping = false

  private start(): Worker {
    if (this.worker !== undefined) return this.worker
    const w = new Worker(WORKER_SOURCE, { eval: true })
    w.unref()
    w.on('message', (m: Answer) => this.done(m))
    w.on('error', (err) => this.crashed(err))
    w.on('exit', (code) => this.crashed(new Error(`signing worker exited with code ${code}`)))
    this.worker = w
    return w
  }

  post(priv: KeyObject, jobs: Job[]): void {
    const w = this.start()
    let k = this.keyIds.get(priv)
    if (k === undefined) {
      k = this.nextKey++
      w.postMessage({ k, key: priv })
      this.keyIds.set(priv, k)
    }
    let total = 0
    for (const j of jobs) total += j.bytes.byteLength
    // One fresh buffer, transferred: a pooled Buffer's view would clone its whole slab.
    const buf = new Uint8Array(total)
    const offs = new Array<number>(jobs.length + 1)
    let o = 0
    for (let i = 0; i < jobs.length; i++) {
      offs[i] = o
      buf.set(jobs[i]!.bytes, o)
      o += jobs[i]!.bytes.byteLength
    }
    offs[jobs.length] = o
    const id = this.nextBatch++
    const sab = new SharedArrayBuffer(4)
    const state = new Int32Array(sab)
    state[0] = jobs.length << 16
    // Answers come on a later turn, so the batch is recorded once it is surely sent.
    w.postMessage({ id, k, buf, offs, state: sab }, [buf.buffer])
    this.posted.set(id, { id, priv, jobs, state, settled: 0, held: [] })
    // Referenced only while it owes signatures: an idle worker never keeps the process alive.
    if (this.posted.size === 1) w.ref()
    this.helpSoon()
  }

  /**
   * The main thread signs too, from the back of the newest batch, one signature per event-loop
   * turn: a pending setImmediate keeps the loop from sleeping, so messages, commits and
   * replies are still handled between two signatures, and the main thread signs only when
   * they leave it time. The worker alone kept a core ~15% idle, the main thread ~30%.
   */
  private helpSoon(): void {
    if (this.helping) return
    this.helping = true
    setImmediate(this.help)
  }

  private readonly help = (): void => {
    this.helping = false
    // The newest batch with jobs left: the furthest from the worker's front.
    let newest: Batch | undefined
    for (const b of this.posted.values()) {
      if (hasFree(b.state)) newest = b
      else this.release(b)
    }
    if (newest === undefined) return
    const i = takeBack(newest.state)
    if (i >= 0) this.signHere(newest, i)
    if (!hasFree(newest.state)) this.release(newest)
    this.helpSoon()
  }

  private signHere(b: Batch, i: number): void {
    const job = b.jobs[i]!
    try {
      const sig = cryptoSign(null, job.bytes, b.priv)
      const signed: SignedBytes = { sig, encodings: [sig.toString('base64url'), signatureId(sig), hmacOfBytes(job.bytes)] }
      b.held.push(() => job.resolve(signed))
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      b.held.push(() => job.reject(error))
    }
  }

  private release(b: Batch): void {
    if (b.held.length === 0) return
    const held = b.held
    b.held = []
    for (const answer of held) answer()
    this.settle(b, held.length)
  }

  private settle(b: Batch, n: number): void {
    b.settled += n
    if (b.settled < b.jobs.length) return
    this.posted.delete(b.id)
    if (this.posted.size === 0) this.worker?.unref()
  }

  private done(m: Answer): void {
    const b = this.posted.get(m.id)
    if (b === undefined) return
    const failed = m.errors.length === 0 ? undefined : new Map(m.errors)
    for (let i = 0; i < m.count; i++) {
      const job = b.jobs[m.from + i]!
      const e = failed?.get(i)
      if (e !== undefined) {
        job.reject(new Error(e))
        continue
      }
      const sig = m.sigs.subarray(64 * i, 64 * i + 64)
      job.resolve({ sig, encodings: [m.ids[3 * i]!, m.ids[3 * i + 1]!, m.ids[3 * i + 2]!] })
    }
    this.settle(b, m.count)
    // The worker took the batch's last free job: the main thread's answers go in this turn too.
    if (!hasFree(b.state)) this.release(b)
  }

  private crashed(err: Error): void {
    if (this.worker === undefined) return
    void this.worker.terminate()
    this.worker = undefined
    // Keys must be sent again to the next worker: a new key space makes the old ids unknown.
    this.keyIds = new WeakMap()
    const lost = [...this.posted.values()]
    this.posted.clear()
    // The main thread's signatures stand; the jobs it answers are settled, and rejecting them
    // again does nothing.
    for (const b of lost) {
      this.release(b)
      for (const j of b.jobs) j.reject(err)
    }
  }
}

let shared: BatchSigner | undefined

/** The signing thread now, if one runs. @internal (tests kill it) */
export function signingThread(): Worker | undefined {
  return shared?.worker.thread
}

/**
 * The scheduler's default signer: Ed25519 on a shared worker thread, batched per turn; RSA
 * on libuv's threadpool ({@link sign}). Same contract as {@link sign}.
 */
export function signBatched(wallet: Wallet, bytes: Uint8Array): Promise<Uint8Array> {
  if (wallet.type !== 'ed25519') return signOnPool(wallet, bytes)
  return (shared ??= new BatchSigner()).sign(wallet.priv, bytes).then((r) => r.sig)
}

/**
 * At most this many signatures queued on libuv's pool at once, the rest wait here: enough to
 * keep every pool thread busy, few enough that an lmdb-js commit (a job on the same pool,
 * first in, first out) does not wait behind hundreds of 5 ms RSA signatures (measured: p90
 * commits of 0.5-1 s with 200 clients, every client then waiting on the same commit).
 */
const POOL_SIGNS = 2 * (Number(process.env['UV_THREADPOOL_SIZE']) || 4)
let onPool = 0
const poolQueue: (() => void)[] = []

function signOnPool(wallet: Wallet, bytes: Uint8Array): Promise<Uint8Array> {
  const run = (): Promise<Uint8Array> => {
    onPool++
    const p = sign(wallet, bytes)
    const next = (): void => {
      onPool--
      poolQueue.shift()?.()
    }
    p.then(next, next)
    return p
  }
  if (onPool < POOL_SIGNS) return run()
  return new Promise((resolve, reject) => poolQueue.push(() => run().then(resolve, reject)))
}

/** {@link signBatched} for an Ed25519 wallet, with the encodings the commitment needs. @internal */
export function signEd25519WithEncodings(wallet: Wallet, bytes: Uint8Array): Promise<SignedBytes> {
  return (shared ??= new BatchSigner()).sign(wallet.priv, bytes)
}
