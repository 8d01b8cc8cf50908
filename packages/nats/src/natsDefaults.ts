/** Defaults of a NATS node, as data. */
export const natsNodeDefaults = {
  /**
   * Liveness, like Erlang's net ticktime: every node broadcasts a heartbeat every `interval`
   * ms; a peer not heard from for `timeout` ms is down. 500/1500 detected a `kill -9` in about
   * 1.1 s here; the defaults favour real networks over fast detection.
   */
  heartbeat: { interval: 1000, timeout: 5000 },
  /** Subject prefix; a cluster's subjects are `<prefix>.<cluster>.…`. */
  subjectPrefix: 'troupe',
  /** How long stop() waits for the connection to drain. */
  stopTimeout: 2000,
} as const
