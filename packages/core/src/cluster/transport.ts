/**
 * How nodes reach each other. Everything above this interface (distribution, pg sync,
 * remote spawn) is transport-agnostic: the worker-thread implementation uses MessagePorts,
 * a NATS one can implement the same five methods.
 */
export interface Transport {
  /**
   * Starts exchanging batches with `peer`. `link` is what the implementation connects
   * through (a MessagePort for worker threads; a subject for NATS).
   */
  connect(peer: string, link: unknown): void
  /** Posts one batch (a flat array of frames) to `peer`; may throw DataCloneError. */
  send(peer: string, batch: unknown[]): void
  /** Registers the handler for batches that arrive, in send order per peer. */
  onMessage(handler: (peer: string, batch: unknown[]) => void): void
  /** Registers the handler called once when a connected peer goes away on its own. */
  onDown(handler: (peer: string) => void): void
  /**
   * Forgets `peer`: hands every batch it already sent to the message handler first (so
   * nothing it sent is overtaken by its nodedown), then closes. No onDown for it follows.
   */
  disconnect(peer: string): void
}
