/**
 * The wait before retry number `retry` (1 for the first): `delay * backoff^(retry-1)`,
 * capped at `max`. Pure, so the schedule is tested without a clock.
 * @example
 * retryDelay(3, { delay: 100, backoff: 2, max: 1000 }) // 400
 */
export function retryDelay(retry: number, o: { readonly delay: number; readonly backoff: number; readonly max: number }): number {
  return Math.min(o.max, o.delay * o.backoff ** (retry - 1))
}
