import { describe, expect, it } from 'vitest'
import type { Pid } from '@troupe/core'
import { leastLoaded, retryDelay, type MemberLoad } from '../src/index.js'

const m = (pid: string, running: number, capacity: number): MemberLoad => ({ pid: pid as Pid, node: 'n', running, capacity })

describe('leastLoaded', () => {
  it.each([
    ['no members', [], 0, undefined],
    ['every member full', [m('a', 2, 2), m('b', 1, 1)], 0, undefined],
    ['lowest running / capacity', [m('a', 1, 2), m('b', 1, 4)], 0, 'b'],
    ['skips full members', [m('a', 4, 4), m('b', 3, 4)], 0, 'b'],
    ['ties go to the first at or after start', [m('a', 0, 2), m('b', 0, 2)], 1, 'b'],
    ['ties wrap around', [m('a', 0, 2), m('b', 1, 2)], 1, 'a'],
  ] as const)('%s', (_name, members, start, want) => {
    expect(leastLoaded(members as readonly MemberLoad[], start)).toBe(want)
  })
})

describe('retryDelay', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1000],
  ])('retry %i waits %i ms', (retry, ms) => {
    expect(retryDelay(retry, { delay: 100, backoff: 2, max: 1000 })).toBe(ms)
  })
})
