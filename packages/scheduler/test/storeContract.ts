import { describe, expect, it } from 'vitest'
import { nextAssignment, type Assignment } from '../src/assignment.js'
import { InvalidAssignment, InvalidProcessId, SlotConflict, StoreClosed } from '../src/errors.js'
import { verifyHashChain } from '../src/hashChain.js'
import { id } from '../src/id.js'
import type { Message } from '../src/message.js'
import type { AssignmentStore } from '../src/store.js'

/** Process IDs that share all but their last character. */
export const P1 = 'p'.repeat(42) + 'A'
export const P2 = 'p'.repeat(42) + 'E'

/** Assignments `from` .. `from + n - 1` of `procId`, chained to `prev`. */
export function assignments(procId: string, n: number, prev?: Assignment): Assignment[] {
  const out: Assignment[] = []
  let last = prev
  for (let i = 0; i < n; i++) {
    last = nextAssignment(last, procId, { data: `${procId}:${last === undefined ? 0 : last.slot + 1}` }, 1_700_000_000_000)
    out.push(last)
  }
  return out
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  )
}

/** The behaviour every AssignmentStore shares. `open` gives a fresh, empty store. */
export function describeStoreContract(name: string, open: () => Promise<AssignmentStore>): void {
  describe(`${name}: AssignmentStore contract`, () => {
    it('has no latest for an unknown process', async () => {
      const store = await open()
      expect(await store.latest(P1)).toBeUndefined()
      expect(await store.read(P1, 0)).toEqual([])
      await store.close()
    })

    it('latest follows pipelined writes (each issued before the previous one is durable)', async () => {
      const store = await open()
      const all = assignments(P1, 500)
      await Promise.all(all.map((a) => store.write(P1, [a])))
      const latest = await store.latest(P1)
      expect(latest?.slot).toBe(499)
      expect(latest?.hashChain).toBe(all[499]?.hashChain)
      expect(latest?.assignment).toEqual(all[499])
      await store.close()
    })

    it('keeps slot order across the 255/256 and 65535/65536 byte boundaries', async () => {
      const store = await open()
      const all = assignments(P1, 70_000)
      for (let i = 0; i < all.length; i += 5000) await store.write(P1, all.slice(i, i + 5000))
      expect((await store.read(P1, 250, 260)).map((a) => a.slot)).toEqual([250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260])
      const page = await store.read(P1, 65_530, 65_545)
      expect(page.map((a) => a.slot)).toEqual(Array.from({ length: 16 }, (_, i) => 65_530 + i))
      expect(verifyHashChain(page, all[65_529])).toBe(true)
      expect((await store.latest(P1))?.slot).toBe(69_999)
      await store.close()
    })

    it('reads ranges: inclusive bounds, limit, empty past the end', async () => {
      const store = await open()
      const all = assignments(P1, 20)
      await store.write(P1, all)
      expect(await store.read(P1, 0)).toEqual(all)
      expect(await store.read(P1, 5, 9)).toEqual(all.slice(5, 10))
      expect(await store.read(P1, 5, 19, 3)).toEqual(all.slice(5, 8))
      expect(await store.read(P1, 19, 19)).toEqual(all.slice(19))
      expect(await store.read(P1, 20)).toEqual([])
      expect(await store.read(P1, 9, 5)).toEqual([])
      await store.close()
    })

    it('keeps processes apart, written concurrently', async () => {
      const store = await open()
      const [a, b] = [assignments(P1, 10), assignments(P2, 7)]
      await Promise.all([...a.map((x) => store.write(P1, [x])), ...b.map((x) => store.write(P2, [x]))])
      expect(await store.read(P1, 0)).toEqual(a)
      expect(await store.read(P2, 0)).toEqual(b)
      expect((await store.latest(P2))?.slot).toBe(6)
      await store.close()
    })

    it('keeps bodies exactly, so their IDs still match', async () => {
      const store = await open()
      const body: Message = { bin: new Uint8Array([0, 255]), nested: { list: [1, 'x', null, false] }, neg: -1.5, zero: 0 }
      const [a0] = [nextAssignment(undefined, P1, body, 1)]
      await store.write(P1, [a0])
      const [back] = await store.read(P1, 0)
      expect(back?.message).toBe(a0.message)
      expect(id(back!.body, 'all')).toBe(a0.message)
      await store.close()
    })

    it('never gives a slot twice, nor skips one', async () => {
      const store = await open()
      const [a0, a1, a2] = assignments(P1, 3)
      await store.write(P1, [a0!])
      expect(SlotConflict.is(await rejection(store.write(P1, [a0!])))).toBe(true)
      expect(SlotConflict.is(await rejection(store.write(P1, [a2!])))).toBe(true)
      expect(SlotConflict.is(await rejection(store.write(P1, [a1!, a1!])))).toBe(true)
      await store.write(P1, [a1!, a2!])
      expect((await store.latest(P1))?.slot).toBe(2)
      await store.close()
    })

    it('refuses bad process IDs and foreign assignments', async () => {
      const store = await open()
      expect(InvalidProcessId.is(await rejection(store.latest('nope')))).toBe(true)
      expect(InvalidProcessId.is(await rejection(store.read('nope', 0)))).toBe(true)
      expect(InvalidAssignment.is(await rejection(store.write(P1, assignments(P2, 1))))).toBe(true)
      await store.close()
    })

    it('refuses use after close', async () => {
      const store = await open()
      await store.close()
      expect(StoreClosed.is(await rejection(store.latest(P1)))).toBe(true)
      expect(StoreClosed.is(await rejection(store.write(P1, assignments(P1, 1))))).toBe(true)
    })
  })
}

export { rejection }
