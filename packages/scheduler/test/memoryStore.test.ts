import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../src/memoryStore.js'
import { assignments, describeStoreContract, P1, rejection } from './storeContract.js'

describeStoreContract('memory', async () => createMemoryStore())

describe('memory store failure injection', () => {
  it('fails the chosen write, writes nothing, and accepts the same slots again', async () => {
    const disk = new Error('disk full')
    const store = createMemoryStore({ failWrite: (_p, slots) => (slots.includes(1) ? disk : undefined) })
    const [a0, a1] = assignments(P1, 2)
    await store.write(P1, [a0!])
    expect(await rejection(store.write(P1, [a1!]))).toBe(disk)
    expect((await store.latest(P1))?.slot).toBe(0)
    store.failWrite = undefined
    await store.write(P1, [a1!])
    expect((await store.latest(P1))?.slot).toBe(1)
  })

  it('hands out copies, not its own objects', async () => {
    const store = createMemoryStore()
    const [a0] = assignments(P1, 1)
    await store.write(P1, [a0!])
    const [read] = await store.read(P1, 0)
    expect(read).toEqual(a0)
    expect(read).not.toBe(a0)
  })
})
