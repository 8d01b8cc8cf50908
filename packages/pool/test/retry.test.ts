import { expect, it } from 'vitest'
import { createManualClock, createNode } from '@troupe/core'
import { call, closePool, openPool, startPoolMember, stats, unfinished } from '../src/index.js'
import { counter, flaky } from './tasks.js'

it('retries wait delay * backoff^n on the node clock', async () => {
  const clock = createManualClock()
  const node = createNode({ name: 'retry', clock })
  const member = await startPoolMember(node, 'retry', { min: 1, max: 1, healthInterval: Infinity })
  const pool = openPool(node, 'retry', { maxAttempts: 3, retryDelay: 1000, retryBackoff: 2 })
  const c = counter()
  const result = call(pool, flaky, [c, 2])
  const state = () => unfinished(pool)[0]?.state
  await expect.poll(state).toBe('retry_wait')
  clock.advance(999)
  expect(state()).toBe('retry_wait')
  clock.advance(1)
  expect(state()).toBe('running')
  await expect.poll(state).toBe('retry_wait')
  clock.advance(1999)
  expect(state()).toBe('retry_wait')
  clock.advance(1)
  expect(await result).toBe('ok')
  expect(stats(pool)).toMatchObject({ retried: 2, completed: 1, failed: 0 })
  closePool(pool)
  node.exit(member, 'shutdown')
})
