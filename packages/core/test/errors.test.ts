import { describe, expect, it } from 'vitest'
import { CallExited, CallTimeout, MailboxFull, TroupeError, decodeError, encodeError } from '../src/index.js'

describe('tagged errors', () => {
  it('keep class, tag and fields through structured clone with the serializer', () => {
    const err = new CallTimeout({ pid: '<a.1>', timeout: 50 })
    const back = decodeError(structuredClone(encodeError(err)))
    expect(back).toBeInstanceOf(CallTimeout)
    expect(back).toBeInstanceOf(TroupeError)
    expect(CallTimeout.is(back)).toBe(true)
    expect(MailboxFull.is(back)).toBe(false)
    expect(back).toMatchObject({ tag: 'CallTimeout', name: 'CallTimeout', pid: '<a.1>', timeout: 50 })
    expect((back as Error).message).toBe('call to <a.1> timed out after 50 ms')
    expect((back as Error).stack).toBe(err.stack)
  })

  it('keeps error reasons nested in fields as data', () => {
    const err = new CallExited({ pid: '<a.1>', reason: 'killed' })
    expect(decodeError(structuredClone(encodeError(err)))).toMatchObject({ reason: 'killed' })
  })

  it('plain errors keep name and message; non-errors pass through', () => {
    const e = new RangeError('nope')
    const back = decodeError(structuredClone(encodeError(e))) as Error
    expect(back.name).toBe('RangeError')
    expect(back.message).toBe('nope')
    expect(decodeError(encodeError('normal'))).toBe('normal')
  })

  it('is() accepts a plain object carrying the tag', () => {
    expect(CallTimeout.is({ tag: 'CallTimeout' })).toBe(true)
    expect(CallTimeout.is(null)).toBe(false)
  })
})
