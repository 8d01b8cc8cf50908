import { describe, expect, it } from 'vitest'
import { affectedChildren, decideRestart, isCleanExit } from '../src/supervisor/index.js'
import type { RestartDecision, RestartType, Strategy } from '../src/supervisor/index.js'

/** Every kind of exit reason the rule distinguishes, with whether OTP counts it as clean. */
const REASONS: readonly [label: string, reason: unknown, clean: boolean][] = [
  ['normal', 'normal', true],
  ['shutdown', 'shutdown', true],
  ['{ shutdown: detail }', { shutdown: 'drained' }, true],
  ['{ shutdown: object }', { shutdown: { code: 1 } }, true],
  ['killed', 'killed', false],
  ['kill', 'kill', false],
  ['noproc', 'noproc', false],
  ['noconnection', 'noconnection', false],
  ['an Error', new Error('boom'), false],
  ['another string', 'boom', false],
  ['{ shutdown, more keys }', { shutdown: 'x', extra: 1 }, false],
  ['an object without shutdown', { reason: 'shutdown' }, false],
  ['an array', ['shutdown'], false],
  ['null', null, false],
  ['undefined', undefined, false],
]

describe('isCleanExit', () => {
  it.each(REASONS)('%s → %s', (_label, reason, clean) => {
    expect(isCleanExit(reason)).toBe(clean)
  })
})

describe('affectedChildren (count 3)', () => {
  it.each<[Strategy, number, number[]]>([
    ['one_for_one', 0, [0]],
    ['one_for_one', 1, [1]],
    ['one_for_one', 2, [2]],
    ['one_for_all', 0, [0, 1, 2]],
    ['one_for_all', 1, [0, 1, 2]],
    ['one_for_all', 2, [0, 1, 2]],
    ['rest_for_one', 0, [0, 1, 2]],
    ['rest_for_one', 1, [1, 2]],
    ['rest_for_one', 2, [2]],
  ])('%s, child %i → %j', (strategy, position, expected) => {
    expect(affectedChildren(strategy, position, 3)).toEqual(expected)
  })

  it('rejects a position outside the children', () => {
    expect(() => affectedChildren('one_for_one', 3, 3)).toThrow(RangeError)
    expect(() => affectedChildren('one_for_one', -1, 3)).toThrow(RangeError)
    expect(() => affectedChildren('one_for_one', 0, 0)).toThrow(RangeError)
  })
})

describe('decideRestart: restart type × reason', () => {
  // The restart-type rule, independent of strategy: 'restart' | 'keep' | 'delete'.
  const table: [RestartType, boolean, RestartDecision['action']][] = [
    ['permanent', true, 'restart'],
    ['permanent', false, 'restart'],
    ['transient', true, 'keep'],
    ['transient', false, 'restart'],
    ['temporary', true, 'delete'],
    ['temporary', false, 'delete'],
  ]
  it.each(table)('%s child, clean exit %s → %s', (restart, clean, action) => {
    for (const [, reason] of REASONS.filter(([, , c]) => c === clean)) {
      expect(decideRestart({ strategy: 'one_for_one', restart, reason, position: 0, count: 1 }).action).toBe(action)
    }
  })
})

describe('decideRestart: exhaustive strategy × restart type × reason × position', () => {
  const strategies: Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one']
  const types: RestartType[] = ['permanent', 'transient', 'temporary']
  const count = 4
  it('restarts exactly the affected children when the restart type calls for it', () => {
    let cases = 0
    for (const strategy of strategies)
      for (const restart of types)
        for (const [label, reason, clean] of REASONS)
          for (let position = 0; position < count; position++) {
            const d = decideRestart({ strategy, restart, reason, position, count })
            const expected: RestartDecision =
              restart === 'temporary'
                ? { action: 'delete' }
                : restart === 'transient' && clean
                  ? { action: 'keep' }
                  : { action: 'restart', positions: affectedChildren(strategy, position, count) }
            expect(d, `${strategy} ${restart} ${label} @${position}`).toEqual(expected)
            cases++
          }
    expect(cases).toBe(3 * 3 * REASONS.length * count)
  })

  it('includes the exited child, and only children after it for rest_for_one', () => {
    const d = decideRestart({ strategy: 'rest_for_one', restart: 'permanent', reason: 'normal', position: 2, count: 4 })
    expect(d).toEqual({ action: 'restart', positions: [2, 3] })
  })
})
