import { describe, expect, it } from 'vitest'
import { nextAssignment, type Assignment } from '../src/assignment.js'
import { getSchedule, maxPageSize, schedule, slot } from '../src/client.js'
import { InvalidOption, InvalidProcessId } from '../src/errors.js'
import { createMemoryStore } from '../src/memoryStore.js'
import type { AssignmentStore } from '../src/store.js'
import { verifySchedule } from '../src/verifySchedule.js'
import { procId, rejection, setup } from './harness.js'

const P = procId('reads')

/** `n` chained records written straight to the store (unsigned: reads do not care). */
async function fill(store: AssignmentStore, n: number): Promise<Assignment[]> {
  const all: Assignment[] = []
  let prev: Assignment | undefined
  for (let i = 0; i < n; i++) all.push((prev = nextAssignment(prev, P, { n: i }, 1_700_000_000_000 + i)))
  for (let i = 0; i < n; i += 500) await store.write(P, all.slice(i, i + 500))
  return all
}

/** A store that has lost some slots (stores never make holes; a damaged one might). */
function holey(inner: AssignmentStore, missing: Set<number>): AssignmentStore {
  return { ...inner, read: async (...a) => (await inner.read(...a)).filter((r) => !missing.has(r.slot)) }
}

describe('getSchedule', () => {
  it('reads an inclusive range; from defaults to 0 and to to the latest', async () => {
    const { registry } = await setup()
    const made = []
    for (let i = 0; i < 6; i++) made.push(await schedule(registry, P, { n: i }))
    expect((await getSchedule(registry, P)).assignments).toEqual(made)
    expect((await getSchedule(registry, P, { from: 2, to: 4 })).assignments.map((a) => a.slot)).toEqual([2, 3, 4])
    expect((await getSchedule(registry, P, { from: 4 })).assignments.map((a) => a.slot)).toEqual([4, 5])
    expect((await getSchedule(registry, P, { to: 1 })).assignments.map((a) => a.slot)).toEqual([0, 1])
    expect((await getSchedule(registry, P, { from: 5, to: 5 })).assignments.map((a) => a.slot)).toEqual([5])
    expect(await getSchedule(registry, P, { from: 6 })).toEqual({ process: P, assignments: [], continues: false })
    expect(await getSchedule(registry, P, { from: 4, to: 2 })).toEqual({ process: P, assignments: [], continues: false })
    const page = (await getSchedule(registry, P, { from: 3 })).assignments
    expect(verifySchedule(page, { after: made[2]! })).toBe(true)
  })

  it('caps a page at 1000 with continues: true while more exist', async () => {
    const store = createMemoryStore()
    const { registry } = await setup({ store })
    await fill(store, 2500)
    const p1 = await getSchedule(registry, P)
    expect(p1.assignments).toHaveLength(maxPageSize)
    expect(p1.continues).toBe(true)
    expect(p1.assignments[999]!.slot).toBe(999)
    const p3 = await getSchedule(registry, P, { from: 2000 })
    expect(p3.assignments.map((a) => a.slot)).toEqual(Array.from({ length: 500 }, (_, i) => 2000 + i))
    expect(p3.continues).toBe(false)
    // Exactly a page to the end of the range: nothing follows.
    const exact = await getSchedule(registry, P, { from: 1000, to: 1999 })
    expect(exact.assignments).toHaveLength(1000)
    expect(exact.continues).toBe(false)
    expect((await getSchedule(registry, P, { from: 1000, to: 2000 })).continues).toBe(true)
  })

  it('stops at the first missing slot', async () => {
    const inner = createMemoryStore()
    await fill(inner, 20)
    const { registry } = await setup({ store: holey(inner, new Set([7, 12])) })
    const page = await getSchedule(registry, P, { from: 3 })
    expect(page.assignments.map((a) => a.slot)).toEqual([3, 4, 5, 6])
    expect(page.continues).toBe(false)
    expect((await getSchedule(registry, P, { from: 7 })).assignments).toEqual([])
    expect((await getSchedule(registry, P, { from: 8, to: 11 })).assignments.map((a) => a.slot)).toEqual([8, 9, 10, 11])
  })

  it('validates the range and the process ID', async () => {
    const { registry } = await setup()
    const bad = await rejection(getSchedule(registry, P, { from: -1 }))
    expect(InvalidOption.is(bad)).toBe(true)
    expect((bad as Error).message).toBe('range.from must be a non-negative integer, got number -1')
    expect(((await rejection(getSchedule(registry, P, { to: 1.5 }))) as Error).message).toMatch(/range\.to must be a non-negative integer/)
    expect(((await rejection(getSchedule(registry, P, { form: 1 } as never))) as Error).message).toMatch(/range\.form/)
    expect(InvalidProcessId.is(await rejection(getSchedule(registry, 'x')))).toBe(true)
  })

  it('never starts a server', async () => {
    const { registry } = await setup()
    await getSchedule(registry, P)
    await slot(registry, P)
    expect(registry.find(P)).toBe('not_found')
  })
})

describe('slot', () => {
  it('is the latest durable slot with the current time and block', async () => {
    const blockInfo = () => ({ height: 77, hash: 'b'.repeat(43), timestamp: 5 })
    const { registry, clock } = await setup({ manual: true, blockInfo })
    expect(await slot(registry, P)).toEqual({ process: P, current: -1, timestamp: clock!.now(), 'block-height': 77, 'block-hash': 'b'.repeat(43) })
    await schedule(registry, P, { n: 0 })
    await schedule(registry, P, { n: 1 })
    clock!.advance(1000)
    expect(await slot(registry, P)).toMatchObject({ current: 1, timestamp: clock!.now() })
  })
})
