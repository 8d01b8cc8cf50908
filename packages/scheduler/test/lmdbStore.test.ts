import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidOption, SlotConflict } from '../src/errors.js'
import { openLmdbStore } from '../src/lmdbStore.js'
import { assignments, describeStoreContract, P1, P2, rejection } from './storeContract.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'troupe-lmdb-'))
let n = 0
const freshPath = () => path.join(root, `db${n++}`)

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

describeStoreContract('lmdb', () => openLmdbStore({ path: freshPath() }))
// The contract's writes are small: these two run it with every commit inline, then none.
describeStoreContract('lmdb, every commit inline', () => openLmdbStore({ path: freshPath(), inlineCommitMin: 0 }))
describeStoreContract('lmdb, every commit on the write thread', () => openLmdbStore({ path: freshPath(), inlineCommitMin: Infinity }))

describe('lmdb store', () => {
  it('keeps acknowledged writes across close and reopen', async () => {
    const dir = freshPath()
    const a = assignments(P1, 300)
    const b = assignments(P2, 3)
    const first = await openLmdbStore({ path: dir })
    await Promise.all([first.write(P1, a.slice(0, 100)), first.write(P1, a.slice(100)), first.write(P2, b)])
    await first.close()

    const again = await openLmdbStore({ path: dir })
    expect(await again.latest(P1)).toEqual({ slot: 299, hashChain: a[299]?.hashChain, assignment: a[299] })
    expect(await again.read(P1, 0)).toEqual(a)
    expect(await again.read(P2, 0)).toEqual(b)
    // The tail is re-read from disk: the next slot is 300, not 0.
    expect(SlotConflict.is(await rejection(again.write(P1, assignments(P1, 1))))).toBe(true)
    await again.write(P1, assignments(P1, 1, a[299]))
    await again.close()
  })

  it.each([
    ['on the write thread', Infinity],
    ['inline', 0],
  ])('lets only one of two stores on the same environment write a slot (commits %s)', async (_, inlineCommitMin) => {
    const dir = freshPath()
    const [x, y] = [await openLmdbStore({ path: dir, inlineCommitMin }), await openLmdbStore({ path: dir, inlineCommitMin })]
    const [a0] = assignments(P1, 1)
    const results = await Promise.allSettled([x.write(P1, [a0!]), y.write(P1, [a0!])])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const failed = results.find((r) => r.status === 'rejected')
    expect(SlotConflict.is(failed?.reason)).toBe(true)
    await Promise.all([x.close(), y.close()])
  })

  it('commits big writes inline and small ones on the write thread, all readable, after reopen too', async () => {
    const dir = freshPath()
    const all = assignments(P1, 200)
    const store = await openLmdbStore({ path: dir, inlineCommitMin: 50 })
    // 3 small (write thread), then 60 and 100 (inline), then 37 small again, issued without waiting.
    const cuts = [0, 3, 63, 163, 200]
    await Promise.all(cuts.slice(1).map((end, i) => store.write(P1, all.slice(cuts[i], end))))
    expect(await store.read(P1, 0)).toEqual(all)
    await store.close()
    const again = await openLmdbStore({ path: dir })
    expect((await again.latest(P1))?.slot).toBe(199)
    expect(await again.read(P1, 0)).toEqual(all)
    await again.close()
  })

  it('validates its options', async () => {
    expect(InvalidOption.is(await rejection(openLmdbStore({ path: '' })))).toBe(true)
    expect(InvalidOption.is(await rejection(openLmdbStore(undefined as never)))).toBe(true)
    for (const bad of [-1, 1.5, Number.NaN, '32']) {
      const err = await rejection(openLmdbStore({ path: freshPath(), inlineCommitMin: bad as number }))
      expect(InvalidOption.is(err)).toBe(true)
      expect(String((err as Error).message)).toMatch(/inlineCommitMin/)
    }
  })
})
