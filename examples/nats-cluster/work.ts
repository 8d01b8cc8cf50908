/** What the NATS cluster example runs elsewhere: a pool task, and an actor spawned by module URL. */
import { defineBehaviour, reply } from '@troupe/core'

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

/** A counter another process spawns here by module URL and export name. */
export const counter = defineBehaviour({
  init: (_ctx, start: number) => start,
  handleCast: (by: number, n: number) => n + by,
  handleCall: (_req: 'get', _from, n: number) => reply(n, n),
})
