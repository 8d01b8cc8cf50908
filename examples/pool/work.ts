/** The work the pool example sends to threads: plain exported functions, and one actor. */
import { defineBehaviour, reply } from '@troupe/core'
import { PermanentFailure } from '@troupe/pool'

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length
}

/** Fails for good on input it can never handle, so the pool does not retry it. */
export function parseOrder(json: string): { id: number } {
  if (!json.startsWith('{')) throw new PermanentFailure({ reason: `not an order: ${json}` })
  return JSON.parse(json) as { id: number }
}

/** A long-lived tally, placed on a member's node with placeChild. */
export const tally = defineBehaviour({
  init: (_ctx, start: number) => start,
  handleCast: (n: number, total: number) => total + n,
  handleCall: (_req: 'total', _from, total: number) => reply(total, total),
})
