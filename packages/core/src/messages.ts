/**
 * What the runtime itself puts in mailboxes: exit and down notifications (Erlang's
 * `{'EXIT', From, Reason}` and `{'DOWN', Ref, process, Pid, Reason}`), and the envelopes
 * that carry `call` and `cast` (Erlang's `$gen_call` / `$gen_cast`).
 */
import type { Pid, Ref } from './pid.js'

/** Why a process ended. Strings for the OTP atoms; any other value (often an Error) for crashes. */
export type ExitReason = 'normal' | 'kill' | 'killed' | 'noproc' | 'noconnection' | 'shutdown' | (string & {}) | unknown

/** A trapped exit signal, delivered as a message. */
export interface ExitMessage {
  readonly type: 'EXIT'
  readonly from: Pid
  readonly reason: ExitReason
}

/** A monitor fired: the monitored process exited, or did not exist (`noproc`). */
export interface DownMessage {
  readonly type: 'DOWN'
  readonly ref: Ref
  readonly pid: Pid
  readonly reason: ExitReason
}

export function isExitMessage(m: unknown): m is ExitMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'EXIT'
}

export function isDownMessage(m: unknown): m is DownMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'DOWN'
}

/** Where a call's reply goes: the caller's node and the call's ref. */
export interface ReplyTo {
  readonly node: string
  readonly ref: Ref
  /** The calling process, or the node's own pid for calls made outside any process. */
  readonly caller: Pid
}

/** A `call` in a mailbox. Process-style actors may serve calls by answering `from` with `reply`. */
export class CallRequest<Req = unknown> {
  constructor(
    readonly request: Req,
    readonly from: ReplyTo,
  ) {}
}

/** A `cast` in a mailbox. */
export class CastRequest<Msg = unknown> {
  constructor(readonly message: Msg) {}
}

/** What `receive` resolves with when its timeout passes first. */
export const TIMEOUT: unique symbol = Symbol('troupe.timeout')
export type TIMEOUT = typeof TIMEOUT
