/**
 * What a task can do from inside its pool thread. Import it as `@troupe/pool/task`: that
 * entry loads this file only, not the whole pool package, so task modules stay cheap to load
 * in every thread.
 */

const PROGRESS = Symbol.for('troupe.pool.progress')

/**
 * Reports progress of the running task (any cloneable value, e.g. a fraction done). It
 * reaches the caller's `onProgress`, in order and before the result. A no-op when the caller
 * did not ask for progress, or outside a pool thread.
 * @example
 * export function render(tile: Tile) { for (...) { ...; progress(row / tile.h) } }
 */
export function progress(value: unknown): void {
  const post = (globalThis as { [PROGRESS]?: (v: unknown) => void })[PROGRESS]
  if (post !== undefined) post(value)
}
