/**
 * Sequence numbers on a node-to-node stream. Core NATS drops messages silently (a slow
 * consumer is cut off and reconnects), so every batch from A to B carries A's connection
 * epoch (a per-node counter, new each time A connects to B) and a sequence number from 1.
 * What B does with a batch is one pure function of its view of the stream; a gap is never
 * a quiet hole: it is a nodedown for that peer, with all its signals.
 * @internal
 */

/** B's view of one peer's stream: the epoch and last sequence received (0, 0 before any). */
export interface InboundView {
  readonly epoch: number
  readonly seq: number
  /** Highest epoch of this peer's streams that B declared down: their batches are stale. */
  readonly dead: number
}

/**
 * - `deliver`: the next batch in order;
 * - `duplicate`: already delivered (drop);
 * - `gap`: batches were lost: nodedown;
 * - `stale`: from a stream already declared down (drop; the peer is told to reset);
 * - `reset`: the peer started a new stream while B still had the old one: nodedown, then
 *   decide again with an empty view.
 */
export type InboundDecision = 'deliver' | 'duplicate' | 'gap' | 'stale' | 'reset'

export function decideInbound(view: InboundView, epoch: number, seq: number): InboundDecision {
  if (epoch <= view.dead) return 'stale'
  if (view.epoch !== 0 && epoch < view.epoch) return 'stale'
  if (view.epoch !== 0 && epoch > view.epoch) return 'reset'
  const next = view.epoch === 0 ? 1 : view.seq + 1
  if (seq === next) return 'deliver'
  return seq < next ? 'duplicate' : 'gap'
}

/**
 * A heartbeat claims "on stream `epoch` I have sent you `seq` batches". Heartbeats and
 * batches from one connection reach a subscriber in publish order, so by the time the
 * claim arrives every batch it counts has arrived: a claim ahead of the view is a loss
 * (the tail of a stream, which no later batch would reveal). `ok` otherwise.
 */
export function decideClaim(view: InboundView, epoch: number, seq: number): 'ok' | 'gap' {
  if (view.epoch === 0) return seq === 0 ? 'ok' : 'gap'
  if (epoch !== view.epoch) return 'gap'
  return seq > view.seq ? 'gap' : 'ok'
}
