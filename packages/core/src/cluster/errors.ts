/** Tagged errors of the cluster layer; like every troupe error they survive a thread boundary. */
import { defineError, describeReason } from '../errors.js'

/** A node failed while booting (its setup module threw, it exited, or ran out of memory). */
export const NodeBootFailed = defineError<{ node: string; reason: unknown }>(
  'NodeBootFailed',
  (f) => `node ${f.node} failed to boot: ${describeReason(f.reason)}`,
)
export type NodeBootFailed = InstanceType<typeof NodeBootFailed>

/** A remote spawn failed: the node is not connected (`noconnection`), or the actor could not be loaded or started. */
export const SpawnFailed = defineError<{ node: string; actor: string; reason: unknown }>(
  'SpawnFailed',
  (f) => `spawn of ${f.actor} on ${f.node} failed: ${describeReason(f.reason)}`,
)
export type SpawnFailed = InstanceType<typeof SpawnFailed>
