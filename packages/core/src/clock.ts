/**
 * Time as a dependency: every timeout in troupe (calls, receive, idle shutdown, retries)
 * goes through a Clock, so tests advance a manual clock instead of sleeping.
 */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Wall-clock time and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in time order (ties in creation order). */
  advance(ms: number): void
  /** Timers not yet fired or cleared. */
  pending(): number
}

interface Timer {
  at: number
  seq: number
  fn: () => void
}

/** A clock that moves only when told to; for tests. */
export function createManualClock(start = 0): ManualClock {
  let now = start
  let seq = 0
  const timers = new Set<Timer>()
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const t: Timer = { at: now + Math.max(0, ms), seq: seq++, fn }
      timers.add(t)
      return t
    },
    clearTimeout(h) {
      timers.delete(h as Timer)
    },
    pending: () => timers.size,
    advance(ms) {
      const until = now + ms
      for (;;) {
        let next: Timer | undefined
        for (const t of timers) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t
        if (!next) break
        timers.delete(next)
        now = next.at
        next.fn()
      }
      now = until
    },
  }
}
