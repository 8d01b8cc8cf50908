import type { Pid, Ref } from '../pid.js'
import type { Name } from '../name.js'

/**
 * What a pg monitor receives, Erlang's `{Ref, join | leave, Group, Pids}`. `pids` lists each
 * pid once per join or leave, so refcounted joins show up as repeats.
 */
export interface PgNotification {
  readonly type: 'pg_join' | 'pg_leave'
  readonly ref: Ref
  readonly scope: string
  readonly group: Name
  readonly pids: readonly Pid[]
}

export function isPgNotification(m: unknown): m is PgNotification {
  if (typeof m !== 'object' || m === null) return false
  const t = (m as { type?: unknown }).type
  return t === 'pg_join' || t === 'pg_leave'
}
