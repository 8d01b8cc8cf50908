/** @internal What a behaviour with a scheduling policy keeps in its queue. */
import { CallRequest, CastRequest } from './messages.js'
import { PendingItem } from './scheduling/pendingItem.js'

/**
 * A message waiting for a scheduling policy. Policies see what the sender sent (a call's
 * request, a cast's message), its `method`, and for calls the reply address as `destiny`;
 * the envelope itself is kept for dispatch.
 */
export class PendingMessage extends PendingItem {
  constructor(
    readonly envelope: unknown,
    arrival: number,
    deadlineAt: number,
    seq: number,
  ) {
    const payload = envelope instanceof CallRequest ? envelope.request : envelope instanceof CastRequest ? envelope.message : envelope
    super(payload, methodOf(payload), arrival, deadlineAt, envelope instanceof CallRequest ? envelope.from : undefined, seq)
  }
}

/**
 * The ABS `method` of a message (a cast's message or a call's request), for scheduling
 * policies: a string is its own method; an object's `method`, `type` or `tag` field names it.
 */
export function methodOf(m: unknown): string {
  if (typeof m === 'string') return m
  if (typeof m === 'object' && m !== null) {
    const o = m as { method?: unknown; type?: unknown; tag?: unknown }
    const t = o.method ?? o.type ?? o.tag
    if (typeof t === 'string') return t
  }
  return ''
}

