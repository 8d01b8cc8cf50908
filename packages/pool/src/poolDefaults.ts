import { availableParallelism } from 'node:os'

/**
 * Every default of the pool, as data. Member options (one member = one node's Piscina
 * threads) come first, then the options of a pool view (`openPool`), then per-task options.
 */
export const poolDefaults = {
  /** The pg scope members and views join. */
  scope: 'troupe.pool',

  /** Threads a member always keeps. */
  min: 1,
  /** Most threads of a member. */
  max: Math.max(1, availableParallelism()),
  /** Spare threads kept started beyond `min`, so a burst does not wait for thread starts (~120 ms each under tsx). */
  warm: 0,
  /** Tasks a member admits at once; `undefined` means its `max` threads. */
  maxConcurrency: undefined as number | undefined,
  /** Idle threads above `min + warm` shut down after this many ms. */
  idleTimeout: 30_000,
  /** A thread whose tasks throw this many times within `errorWindow` is recycled. */
  errorKill: 10,
  /** ms; see `errorKill`. */
  errorWindow: 60_000,
  /** ms between pings of idle threads; `Infinity` turns health checks off. */
  healthInterval: 5_000,
  /** ms an idle thread may stay silent before it is replaced. */
  healthTimeout: 10_000,

  /** When every member is at capacity: `'queue'` (bounded, with `waitTimeout`) or `'reject'` (`AllMembersAtCapacity` at once). */
  whenFull: 'queue' as 'queue' | 'reject',
  /** Most tasks waiting in a view's queue; one more is refused with `AllMembersAtCapacity`. */
  maxQueue: 100_000,
  /** ms a task may wait for a member before `WaitTimeout`. */
  waitTimeout: Infinity,
  /** ms a task may run (from when its member hands it to a thread) before it is stopped. */
  timeout: Infinity,
  /** Runs of a task that throws, the first included (1: no retry). */
  maxAttempts: 1,
  /** ms before the first retry. */
  retryDelay: 100,
  /** Each further retry waits this many times longer. */
  retryBackoff: 2,
  /** Cap on the retry delay, ms. */
  maxRetryDelay: 30_000,
  /** Times a task is re-placed because its thread or member died under it; then it fails with `max_reschedules`. */
  maxReschedules: 3,
  /** Largest batch of `map` inputs sent to one thread as one Piscina task. */
  maxBatch: 512,
}
