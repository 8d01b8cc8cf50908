/**
 * Subjects of one cluster. Everything a node publishes is under `<prefix>.<cluster>`, so
 * clusters sharing a NATS server never see each other's traffic:
 * - `<p>.<c>.hb`        hello, heartbeat and goodbye broadcasts;
 * - `<p>.<c>.n.<node>`  batches (and kicks and spawn probes) for one node.
 * @internal
 */
export interface Subjects {
  readonly heartbeat: string
  data(node: string): string
  readonly kv: string
}

export function subjectsOf(prefix: string, cluster: string): Subjects {
  const base = `${prefix}.${cluster}`
  return {
    heartbeat: `${base}.hb`,
    data: (node) => `${base}.n.${node}`,
    kv: `${prefix}_${cluster}_names`.replace(/[^A-Za-z0-9_-]/g, '_'),
  }
}
