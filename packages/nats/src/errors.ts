/** Tagged errors of @troupe/nats; like every troupe error they survive a thread or process boundary. */
import { defineError } from '@troupe/core'

/** A value msgpackr cannot encode (see `path`): thrown at the send site. */
export const NotEncodable = defineError<{ path: string; what: string }>(
  'NotEncodable',
  (f) => `${f.path} cannot be sent over NATS: ${f.what}`,
)
export type NotEncodable = InstanceType<typeof NotEncodable>

/** A value whose encoding exceeds the server's max payload: thrown at the send site. */
export const PayloadTooLarge = defineError<{ path: string; size: number; limit: number }>(
  'PayloadTooLarge',
  (f) => `${f.path} encodes to ${f.size} bytes, over the NATS server's max payload (${f.limit} bytes less framing)`,
)
export type PayloadTooLarge = InstanceType<typeof PayloadTooLarge>

/** A cluster-wide name operation failed (JetStream unavailable, the bucket could not be opened). */
export const GlobalNameError = defineError<{ key: string; reason: unknown }>(
  'GlobalNameError',
  (f) => `global name ${JSON.stringify(f.key)}: ${String((f.reason as Error)?.message ?? f.reason)}`,
)
export type GlobalNameError = InstanceType<typeof GlobalNameError>
