import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNode, isExitMessage, type Pid, type Process } from '@troupe/core'
import { AllMembersAtCapacity, call, closePool, memberInfo, openPool, placeChild, startPoolMember, stats, type Pool } from '../src/index.js'
import { add, counter, deferred, held, open } from './tasks.js'

const counterRef = { url: new URL('./fixtures/actors.ts', import.meta.url).href, export: 'counter' }
const node = createNode({ name: 'children' })
let member: Pid
let pool: Pool

beforeAll(async () => {
  member = await startPoolMember(node, 'kids', { min: 1, max: 1, maxConcurrency: 1 })
  pool = openPool(node, 'kids')
})
afterAll(() => {
  closePool(pool)
  node.exit(member, 'shutdown')
})

describe('placeChild', () => {
  it('starts an actor named by module URL on a member, holding a slot until it exits', async () => {
    const pid = await placeChild(pool, { actor: counterRef, args: [10] })
    node.cast(pid as Pid<number>, 5)
    expect(await node.call(pid as Pid<never, 'get', number>, 'get')).toBe(15)
    expect(stats(pool).members[0]).toMatchObject({ running: 1, capacity: 1 })
    await expect(placeChild(pool, { actor: counterRef, args: [0] })).rejects.toSatisfy((e) => AllMembersAtCapacity.is(e))
    node.exit(pid, 'shutdown')
    await expect.poll(async () => (await memberInfo(node, member)).running).toBe(0)
    expect(await call(pool, add, [1, 2])).toBe(3)
  })

  it('links the child to the caller with the link option', async () => {
    const exit = deferred<unknown>()
    let child: Pid | undefined
    async function owner(ctx: Process) {
      ctx.trapExit(true)
      child = await placeChild(pool, { actor: counterRef, args: [1] }, { link: ctx })
      node.exit(child, 'boom')
      const m = await ctx.receive(isExitMessage)
      exit.resolve(m)
    }
    node.spawn(owner)
    expect(await exit.promise).toMatchObject({ type: 'EXIT', from: child, reason: 'boom' })
    await expect.poll(async () => (await memberInfo(node, member)).running).toBe(0)
  })
})

describe('the message path on one node', () => {
  it('a view with direct: false reaches local members by call, with load reports', async () => {
    const remoteish = openPool(node, 'kids', { direct: false })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(remoteish, add, [i, i])))
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i))
    expect((await memberInfo(node, member)).peak).toBe(1)
    closePool(remoteish)
  })

  it('two views racing for the last slot: the member admits one and refuses the other, which waits', async () => {
    const a = openPool(node, 'kids', { direct: false })
    const b = openPool(node, 'kids', { direct: false })
    // Let both views learn the member's capacity (1) from its info before they race.
    await expect.poll(() => [stats(a).members[0]?.capacity, stats(b).members[0]?.capacity]).toEqual([1, 1])
    const gate = counter()
    const both = [call(a, held, [gate, 1]), call(b, held, [gate, 2])]
    await expect.poll(() => stats(a).queued + stats(b).queued).toBe(1)
    open(gate)
    expect(await Promise.all(both)).toEqual([1, 2])
    expect((await memberInfo(node, member)).peak).toBe(1)
    closePool(a)
    closePool(b)
  })
})
