/**
 * The data-plane wire format between two nodes. A batch is one flat array of frames, each
 * frame a kind followed by a fixed number of fields (ARITY): one flat array of strings and
 * messages clones faster than an array of small objects. Runtime envelopes (CallRequest,
 * CastRequest) and error reasons have explicit encodings, because structured clone keeps
 * neither classes nor custom error fields.
 * @internal
 */
import { decodeError, encodeError } from '../errors.js'
import { isCloneable } from './cloneable.js'

export const SEND = 0 //          to, msg
export const CAST = 1 //          to, msg
export const SEND_NAMED = 2 //    name, msg
export const CAST_NAMED = 3 //    name, msg
export const CALL = 4 //          to, request, ref, caller
export const CALL_NAMED = 5 //    name, request, ref, caller
export const REPLY = 6 //         ref, value
export const CALL_FAILED = 7 //   ref, pid, reason   (callee dead, or died before replying)
export const CALL_ERROR = 8 //    ref, error          (the call could not be delivered)
export const EXIT = 9 //          to, from, reason   (exit/2)
export const LINK = 10 //         from, to
export const UNLINK = 11 //       from, to
export const LINK_EXIT = 12 //    to, from, reason   (a linked process died)
export const MONITOR = 13 //      watcher, target, ref
export const DEMONITOR = 14 //    target, ref
export const DOWN = 15 //         watcher, ref, pid, reason
export const SPAWN = 16 //        id, url, export, args, options, mode, parent
export const SPAWNED = 17 //      id, pid, ref
export const SPAWN_FAILED = 18 // id, error
export const PG_JOIN = 19 //      scope, group, pids
export const PG_LEAVE = 20 //     scope, group, pids
export const PG_SYNC = 21 //      scope, [group, pids][]
/**
 * msg, to the target of the SEND frame just before it in the same batch: a stream to one
 * pid carries the pid once per batch, not once per message (one string less to clone and
 * allocate on each side, and the receiver's pid comparison becomes an identity check).
 */
export const SEND_MORE = 22

/** Fields after the kind, per kind. */
export const ARITY: readonly number[] = [2, 2, 2, 2, 4, 4, 2, 3, 2, 3, 2, 2, 3, 3, 2, 4, 7, 3, 2, 3, 3, 2, 1]

/** Exit reasons on the wire: errors through the one serializer; anything uncloneable as its string form. */
export function encodeReason(reason: unknown): unknown {
  if (typeof reason === 'string') return reason
  if (reason instanceof Error) return encodeError(reason)
  return isCloneable(reason) ? reason : String(reason)
}

export const decodeReason: (value: unknown) => unknown = decodeError
