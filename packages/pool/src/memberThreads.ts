/**
 * The threads of one pool member: a Piscina instance and the health rules around it
 * (asyncmachine's node supervisors): `min`/`max` threads, `warm` spares, recycling of a
 * thread that keeps failing, periodic pings that replace a thread that stopped answering,
 * idle shutdown above the floor.
 */
import { fileURLToPath } from 'node:url'
import type { ResourceLimits, Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { Clock } from '@troupe/core'

/** The thread settings a member can change at run time. */
export interface ThreadLimits {
  readonly min: number
  readonly max: number
  readonly warm: number
  readonly idleTimeout: number
}

export interface ThreadHealth {
  readonly errorKill: number
  readonly errorWindow: number
  readonly healthInterval: number
  readonly healthTimeout: number
}

/** @internal */
export interface ThreadsOptions extends ThreadLimits, ThreadHealth {
  readonly clock: Clock
  readonly resourceLimits: ResourceLimits | undefined
  readonly preload: readonly string[]
}

interface ThreadEntry {
  readonly port: MessagePort
  readonly busy: Int32Array
  /** Pings sent and not answered. */
  unanswered: number
  /**
   * Whether it ever answered. A thread is only judged stuck once it has answered or run a
   * task: Piscina stops replacing threads for good once one dies before it reported ready
   * (`workerFailsDuringBootstrap`), so a thread still booting must not be stopped.
   */
  answered: boolean
  errors: number[]
}

// The boot file sits next to this module, as `worker.mjs` both in sources and in builds.
const bootFile = fileURLToPath(new URL('./worker.mjs', import.meta.url))
// Running from TypeScript sources (tsx, vitest): task modules are most likely `.ts` too, so
// threads register tsx while they start, off the hot path, rather than at their first task.
const fromSources = import.meta.url.endsWith('.ts')

/** @internal */
export class MemberThreads {
  private piscina: Piscina
  private readonly entries = new Map<number, ThreadEntry>()
  private healthTimer: unknown = undefined
  private closed = false
  /** Threads stopped by the health rules (error budget or no answer). */
  recycled = 0
  stuck = 0
  /** Called when a thread is replaced by the health rules; for tests and inspection. */
  onRecycle: ((threadId: number, why: 'errors' | 'stuck') => void) | null = null

  constructor(private opts: ThreadsOptions) {
    this.piscina = this.create()
    this.scheduleHealth()
  }

  /** A copy with the four limits only (the options also hold the clock, which cannot cross a thread). */
  get limits(): ThreadLimits {
    const { min, max, warm, idleTimeout } = this.opts
    return { min, max, warm, idleTimeout }
  }

  get threadCount(): number {
    return this.piscina.threads.length
  }

  private create(): Piscina {
    const o = this.opts
    const p = new Piscina({
      filename: bootFile,
      // 'sync' (the default) parks idle threads in Atomics.wait, which blocks their timers
      // and I/O between tasks; 'disabled' keeps each thread's event loop running.
      atomics: 'disabled',
      minThreads: Math.min(o.max, o.min + o.warm),
      maxThreads: o.max,
      idleTimeout: o.idleTimeout,
      concurrentTasksPerWorker: 1,
      // The member bounds what it hands Piscina (its maxConcurrency); Piscina's own bound
      // ('auto' is maxThreads²) would refuse admitted tasks beyond it.
      maxQueue: Number.MAX_SAFE_INTEGER,
      ...(o.resourceLimits === undefined ? {} : { resourceLimits: o.resourceLimits }),
      workerData: { troupeHealth: true, troupeTsx: fromSources, troupePreload: o.preload },
    })
    p.on('message', (m: unknown) => this.onThreadMessage(m))
    // Piscina emits 'error' for a thread that fails while running no task; without a
    // listener, EventEmitter would throw it on this thread. Piscina replaces the thread.
    p.on('error', () => {})
    p.on('workerDestroy', () => this.prune())
    return p
  }

  run(task: object, signal: AbortSignal | undefined, transferList?: MessagePort[]): Promise<unknown> {
    if (transferList !== undefined) return this.piscina.run(task, signal === undefined ? { transferList } : { signal, transferList })
    return signal === undefined ? this.piscina.run(task) : this.piscina.run(task, { signal })
  }

  /** New thread limits: a fresh Piscina takes new tasks at once; the old one finishes its running tasks and closes. */
  reconfigure(limits: ThreadLimits): void {
    this.opts = { ...this.opts, ...limits }
    const old = this.piscina
    this.entries.clear()
    this.piscina = this.create()
    void old.close().catch(() => {})
  }

  /** A task thrown by thread `threadId` failed: recycle the thread after `errorKill` failures within `errorWindow`. */
  taskFailed(threadId: number): void {
    const e = this.entries.get(threadId)
    if (e === undefined) return
    const now = this.opts.clock.now()
    e.errors = e.errors.filter((t) => now - t < this.opts.errorWindow)
    e.errors.push(now)
    if (e.errors.length >= this.opts.errorKill) this.recycle(threadId, 'errors')
  }

  private recycle(threadId: number, why: 'errors' | 'stuck'): void {
    const w = this.worker(threadId)
    this.entries.delete(threadId)
    if (w === undefined) return
    if (why === 'errors') this.recycled++
    else this.stuck++
    // Piscina sees the exit, fails only the task this thread was running (if any) and
    // starts a replacement while it is below minThreads.
    void w.terminate()
    this.onRecycle?.(threadId, why)
  }

  private worker(threadId: number): Worker | undefined {
    for (const w of this.piscina.threads) if (w.threadId === threadId) return w
    return undefined
  }

  private onThreadMessage(m: unknown): void {
    if (typeof m !== 'object' || m === null || typeof (m as { $troupeThread?: unknown }).$troupeThread !== 'number') return
    const { $troupeThread: id, port, busy } = m as { $troupeThread: number; port: MessagePort; busy: Int32Array }
    port.on('message', () => {
      const e = this.entries.get(id)
      if (e !== undefined) {
        e.unanswered = 0
        e.answered = true
      }
    })
    port.unref()
    this.entries.set(id, { port, busy, unanswered: 0, answered: false, errors: [] })
  }

  private prune(): void {
    const alive = new Set(this.piscina.threads.map((w) => w.threadId))
    for (const [id, e] of this.entries)
      if (!alive.has(id)) {
        e.port.close()
        this.entries.delete(id)
      }
  }

  /**
   * Every `healthInterval` ms, ping each idle thread. A thread still silent at the next
   * round while idle (its `busy` flag clear, so not in a long task: that is the execution
   * timeout's business) has a blocked event loop and is replaced.
   */
  private scheduleHealth(): void {
    const { healthInterval, clock } = this.opts
    if (this.closed || healthInterval === Infinity) return
    this.healthTimer = clock.setTimeout(() => {
      this.checkHealth()
      this.scheduleHealth()
    }, healthInterval)
    // A pending health check must not keep the process alive.
    ;(this.healthTimer as { unref?: () => void } | undefined)?.unref?.()
  }

  /** @internal exposed for tests driving a manual clock */
  checkHealth(): void {
    const limit = Math.max(1, Math.ceil(this.opts.healthTimeout / this.opts.healthInterval))
    for (const [id, e] of this.entries) {
      if (Atomics.load(e.busy, 0) === 1) {
        e.unanswered = 0
        continue
      }
      if (e.unanswered >= limit && (e.answered || Atomics.load(e.busy, 1) > 0)) {
        this.recycle(id, 'stuck')
        continue
      }
      e.unanswered++
      e.port.postMessage(0)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.healthTimer !== undefined) this.opts.clock.clearTimeout(this.healthTimer)
    for (const e of this.entries.values()) e.port.close()
    this.entries.clear()
    await this.piscina.destroy()
  }
}
