/**
 * The reliability rule: with a member killed halfway through 10,000 tasks, every task
 * resolves exactly once for its caller (it may run more than once: at least once), none is
 * lost, and no surviving member ever runs more than its maxConcurrency.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createNode, type Pid } from '@troupe/core'
import { call, closePool, memberInfo, openPool, startPoolMember, stats, type Pool } from '../src/index.js'
import { _memberCore } from '../src/poolMember.js'
import { tracked } from './tasks.js'

const node = createNode({ name: 'reliable' })
const cleanup: (() => void)[] = []
afterAll(() => cleanup.forEach((f) => f()))

async function run(pool: Pool, members: Pid[], total: number, inFlight: () => number) {
  const runs = new Int32Array(new SharedArrayBuffer(4 * total))
  const settled = new Int32Array(total)
  const results = new Int32Array(total).fill(-1)
  let done = 0
  let killed = false
  let lost = 0
  const all: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    all.push(
      call(pool, tracked, [runs, i, 0]).then((v) => {
        settled[i]!++
        results[i] = v
        // Kill the first member with its tasks in flight, halfway through.
        if (++done === total / 2 && !killed) {
          killed = true
          lost = inFlight()
          node.exit(members[0]!, 'kill')
        }
      }),
    )
  }
  await Promise.all(all)
  return { runs, settled, results, lost }
}

describe('reliability', () => {
  it.each([
    ['in-thread', true],
    ['by messages (the cross-node path)', false],
  ])('10,000 tasks on 3 members, one killed halfway (%s)', async (_label, direct) => {
    const name = `rel-${direct}`
    const members = await Promise.all([1, 2, 3].map(() => startPoolMember(node, name, { min: 1, max: 1, maxConcurrency: 4 })))
    const cores = members.map((m) => _memberCore(node, m)!)
    const pool = openPool(node, name, { direct })
    cleanup.push(() => {
      closePool(pool)
      for (const m of members) if (node.isAlive(m)) node.exit(m, 'shutdown')
    })
    const total = 10_000
    const { runs, settled, results, lost } = await run(pool, members, total, () => cores[0]!.running)
    expect(settled.every((n) => n === 1)).toBe(true)
    expect(results.every((v, i) => v === i)).toBe(true)
    // At least once: every task ran, some twice (those on the killed member).
    for (let i = 0; i < total; i++) expect(runs[i]).toBeGreaterThanOrEqual(1)
    expect(node.isAlive(members[0]!)).toBe(false)
    for (const c of cores) expect(c.peak).toBeLessThanOrEqual(4)
    const s = stats(pool)
    expect(s).toMatchObject({ pending: 0, running: 0, failed: 0, completed: total })
    // What ran on the killed member was re-placed, not lost.
    expect(s.rescheduled).toBeGreaterThanOrEqual(lost)
    expect(s.members.map((m) => m.pid)).toEqual(members.slice(1))
    const survivors = await Promise.all(members.slice(1).map((m) => memberInfo(node, m)))
    expect(survivors.every((i) => i.completed > 0)).toBe(true)
  })
})
