import { UnknownSchedulingMode } from './errors.js'

/**
 * When a scheduler server answers a client (HyperBEAM's `scheduling_mode`):
 * - `aggressive`: once the assignment is signed, before it is persisted. Fastest; a crash
 *   or a failed write can lose assignments already acknowledged, and their slots are then
 *   handed out again. The name says so.
 * - `local_confirmation` (default): once the assignment is durable in the store.
 * - `remote_confirmation`: once it is durable and the node's publisher accepted it.
 * - `disabled`: the node schedules nothing; creating a server fails.
 */
export type SchedulingMode = 'aggressive' | 'local_confirmation' | 'remote_confirmation' | 'disabled'

export const schedulingModes: readonly SchedulingMode[] = Object.freeze([
  'aggressive',
  'local_confirmation',
  'remote_confirmation',
  'disabled',
])

/** @throws UnknownSchedulingMode for anything but the four modes. */
export function assertSchedulingMode(mode: unknown): asserts mode is SchedulingMode {
  if (!schedulingModes.includes(mode as SchedulingMode)) throw new UnknownSchedulingMode({ mode: String(mode) })
}
