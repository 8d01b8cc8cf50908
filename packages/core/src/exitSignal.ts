/**
 * The rule for receiving an exit signal, from the OTP processes reference manual
 * ("Receiving Exit Signals") and `erlang:exit/2`, as one pure function so it can be
 * table-tested in full. Effects (killing, enqueuing the EXIT message) live in the node.
 */

export interface ExitSignal {
  /** The receiver has `trapExit` set. */
  readonly trapExit: boolean
  /** The signal was sent because a linked process died (not by `exit(pid, reason)`). */
  readonly viaLink: boolean
  /** For link signals: the receiver still holds the link (it may have unlinked meanwhile). */
  readonly linkActive: boolean
  readonly reason: unknown
  /** Sent by the receiver to itself (`exit(self, reason)`). */
  readonly fromSelf: boolean
}

export type ExitSignalAction =
  | { readonly action: 'drop' }
  | { readonly action: 'deliver' }
  | { readonly action: 'terminate'; readonly reason: unknown }

const DROP: ExitSignalAction = { action: 'drop' }
const DELIVER: ExitSignalAction = { action: 'deliver' }
const KILLED: ExitSignalAction = { action: 'terminate', reason: 'killed' }
const NORMAL: ExitSignalAction = { action: 'terminate', reason: 'normal' }

/**
 * - a link signal for a link the receiver no longer has is dropped;
 * - `kill` sent with `exit(pid, 'kill')` cannot be trapped: the receiver dies with `killed`;
 * - a trapping receiver gets the signal as an `EXIT` message (including `kill` via a link);
 * - `normal` is dropped by a non-trapping receiver, unless it sent the signal to itself;
 * - anything else terminates a non-trapping receiver with the same reason (`kill` via a
 *   link terminates with `kill`, not `killed`).
 */
export function decideExitSignal(s: ExitSignal): ExitSignalAction {
  if (s.viaLink && !s.linkActive) return DROP
  if (!s.viaLink && s.reason === 'kill') return KILLED
  if (s.trapExit) return DELIVER
  if (s.reason === 'normal') return s.fromSelf ? NORMAL : DROP
  return { action: 'terminate', reason: s.reason }
}
