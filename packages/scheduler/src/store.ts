import type { Assignment } from './assignment.js'
import { InvalidAssignment, InvalidOption, InvalidProcessId, SlotConflict } from './errors.js'
import { isProcessId } from './id.js'

/** The last assignment of a process. */
export interface Latest {
  readonly slot: number
  readonly hashChain: string
  readonly assignment: Assignment
}

/**
 * Durable assignments, per AO process, in slot order.
 *
 * A process's slots start at 0 and have no gaps. `write` refuses (with `SlotConflict`) a batch
 * that does not start right after the last slot written or being written, so a slot is never
 * given twice through one store. A failed write forgets the pending tail: the caller must
 * re-read `latest` before writing that process again (the scheduler restarts it).
 */
export interface AssignmentStore {
  /** The highest slot of `procId` that is durable, or `undefined` if none. */
  latest(procId: string): Promise<Latest | undefined>
  /** Durable assignments with `from <= slot <= to`, in slot order, at most `limit` of them. */
  read(procId: string, from: number, to?: number, limit?: number): Promise<Assignment[]>
  /**
   * Persists consecutive assignments of `procId`. Resolves only once they are durable;
   * concurrent writes (of any processes) share commits.
   */
  write(procId: string, assignments: readonly Assignment[]): Promise<void>
  /** Waits for pending writes, then releases the store. */
  close(): Promise<void>
}

/** @internal */
export function checkProcId(procId: string): void {
  if (!isProcessId(procId)) throw new InvalidProcessId({ procId })
}

/**
 * Validates a write against the process's tail (last slot written or pending, -1 if none).
 * @returns the new tail.
 * @internal
 */
export function checkWrite(procId: string, assignments: readonly Assignment[], tail: number): number {
  checkProcId(procId)
  let expected = tail + 1
  for (const a of assignments) {
    if (a.process !== procId) throw new InvalidAssignment({ procId, slot: a.slot, reason: `belongs to process ${a.process}` })
    if (a.slot !== expected) throw new SlotConflict({ procId, expected, got: a.slot })
    expected++
  }
  return expected - 1
}

/** @internal */
export function checkRange(procId: string, from: number, to: number, limit: number): void {
  checkProcId(procId)
  if (!isSlot(from)) throw new InvalidOption({ option: 'from', expected: 'a non-negative safe integer' })
  if (!isSlot(to)) throw new InvalidOption({ option: 'to', expected: 'a non-negative safe integer' })
  if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit > 0))) {
    throw new InvalidOption({ option: 'limit', expected: 'a positive integer' })
  }
}

function isSlot(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}
