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

  it('lets only one of two stores on the same environment write a slot', async () => {
    const dir = freshPath()
    const [x, y] = [await openLmdbStore({ path: dir }), await openLmdbStore({ path: dir })]
    const [a0] = assignments(P1, 1)
    const results = await Promise.allSettled([x.write(P1, [a0!]), y.write(P1, [a0!])])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const failed = results.find((r) => r.status === 'rejected')
    expect(SlotConflict.is(failed?.reason)).toBe(true)
    await Promise.all([x.close(), y.close()])
  })

  it('validates its options', async () => {
    expect(InvalidOption.is(await rejection(openLmdbStore({ path: '' })))).toBe(true)
    expect(InvalidOption.is(await rejection(openLmdbStore(undefined as never)))).toBe(true)
  })
})
