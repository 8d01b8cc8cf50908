/**
 * Restart intensity, from OTP's supervisor manual ("Tuning the intensity and period"): a
 * supervisor that has restarted children more than `intensity` times within the last
 * `period` ms gives up: it stops all its children and exits with `shutdown`, passing the
 * problem to its own supervisor. A pure function of the restart timestamps, table-tested.
 */
import { describe } from '../validate.js'

export interface IntensityLimits {
  /** Restarts allowed within `period`; 0 allows none. */
  readonly intensity: number
  /** Window in milliseconds. */
  readonly period: number
}

export interface IntensityCheck {
  /** `exceeded`: this restart is one too many; the supervisor must give up. */
  readonly verdict: 'ok' | 'exceeded'
  /** The timestamps to keep for the next check: this restart and those still in the window, oldest first. */
  readonly restarts: readonly number[]
}

/**
 * Records a restart at `now` and checks it against `limits`. As OTP's `add_restart`, a
 * restart still counts when it is exactly `period` ms old, and failed restart attempts
 * count like any other, so a child that can never start cannot make its supervisor loop.
 * @example
 * const a = checkRestartIntensity([], 0, { intensity: 1, period: 5000 })         // ok
 * const b = checkRestartIntensity(a.restarts, 10, { intensity: 1, period: 5000 }) // exceeded
 */
export function checkRestartIntensity(restarts: readonly number[], now: number, limits: IntensityLimits): IntensityCheck {
  const since = now - limits.period
  const kept = restarts.filter((t) => t >= since)
  kept.push(now)
  return { verdict: kept.length > limits.intensity ? 'exceeded' : 'ok', restarts: kept }
}

/** @internal Validates the `intensity`/`period` options shared by both kinds of supervisor. */
export function assertIntensityLimits(intensity: unknown, period: unknown): void {
  if (typeof intensity !== 'number' || !Number.isInteger(intensity) || intensity < 0)
    throw new RangeError(`options.intensity must be a non-negative integer, got ${describe(intensity)}`)
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1)
    throw new RangeError(`options.period must be a positive integer (ms), got ${describe(period)}`)
}
