import { describe, expect, it } from 'vitest'
import { InvalidMessage } from '../src/errors.js'
import { canonicalBytes } from '../src/id.js'
import type { Message } from '../src/message.js'

const hex = (m: Message) => Buffer.from(canonicalBytes(m)).toString('hex')

describe('canonicalBytes', () => {
  it('writes the documented layout', () => {
    expect(hex({ b: true, a: 'x' })).toBe(
      [
        '00000002', // two records
        '00000001' + '61' + '04' + '00000001' + '78', // "a": string "x"
        '00000001' + '62' + '02', // "b": true
      ].join(''),
    )
  })

  it('does not depend on key insertion order', () => {
    expect(hex({ a: 1, b: 2 })).toBe(hex({ b: 2, a: 1 }))
  })

  it('ignores commitments', () => {
    expect(hex({ a: 1, commitments: {} })).toBe(hex({ a: 1 }))
  })

  // Each pair differs as a message; the encodings must differ too.
  it.each<[string, Message, Message]>([
    ['key/value boundary', { ab: 'c' }, { a: 'bc' }],
    ['boundary across records', { a: 'b', c: 'd' }, { a: 'b\u0000c', '': 'd' }],
    ['string "1" vs number 1', { a: '1' }, { a: 1 }],
    ['string vs binary', { a: 'x' }, { a: Buffer.from('x') }],
    ['true vs 1', { a: true }, { a: 1 }],
    ['null vs "null"', { a: null }, { a: 'null' }],
    ['nested vs flat', { a: { b: 'c' } }, { 'a/b': 'c' }],
    ['nested vs its own id', { a: { b: 'c' } }, { a: 'x' }],
    ['list vs one value', { a: ['x'] }, { a: 'x' }],
    ['list split differently', { a: ['xy', 'z'] }, { a: ['x', 'yz'] }],
    ['list of lists', { a: [['x'], []] }, { a: [[], ['x']] }],
    ['empty string vs missing key', { a: '', b: '' }, { b: '' }],
    ['integer vs float', { a: 1 }, { a: 1.0000000000000002 }],
    ['different nested contents', { a: { b: 1 } }, { a: { b: 2 } }],
  ])('is injective: %s', (_name, x, y) => {
    expect(hex(x)).not.toBe(hex(y))
  })

  it('writes -0 as 0, so that stores cannot change an ID', () => {
    expect(hex({ a: -0 })).toBe(hex({ a: 0 }))
  })

  it.each<[string, unknown]>([
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: Infinity }],
    ['undefined', { a: undefined }],
    ['a Date', { a: new Date(0) }],
    ['a Map', { a: new Map() }],
    ['a bigint', { a: 1n }],
    ['a lone surrogate', { a: '\uD800' }],
    ['a lone surrogate in a key', { '\uDC00': 1 }],
    ['a sparse list', { a: [, 1] }],
    ['an own __proto__ key', JSON.parse('{"__proto__": 1}')],
  ])('refuses %s', (_name, m) => {
    let caught: unknown
    try {
      canonicalBytes(m as Message)
    } catch (err) {
      caught = err
    }
    expect(InvalidMessage.is(caught)).toBe(true)
  })

  it('refuses unsorted, duplicate or missing covered keys', () => {
    const m = { a: 1, b: 2 }
    expect(() => canonicalBytes(m, ['b', 'a'])).toThrow(/ascending/)
    expect(() => canonicalBytes(m, ['a', 'a'])).toThrow(/ascending/)
    expect(() => canonicalBytes(m, ['a', 'c'])).toThrow(/missing/)
    expect(() => canonicalBytes({ ...m, commitments: {} }, ['a', 'commitments'])).toThrow(/commitments/)
  })
})
