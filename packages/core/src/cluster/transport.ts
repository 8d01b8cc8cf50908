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
  /**
   * Optional. Called when a remote spawn was queued for `peer`: a transport that can tell at
   * once that nobody is listening there (NATS no-responders) calls the down handler, so the
   * spawn fails now instead of when liveness checks notice. Worker threads need no probe.
   */
  probe?(peer: string): void
  /**
   * Optional. Called at the send site after the structured-clone check, for a value about
   * to be framed for another node; throws a typed error if this transport cannot carry it
   * (an encoding it refuses, a size over its limit).
   */
  assertSendable?(value: unknown, path: string): void
}
