import { describe, expect, it } from 'vitest'
import { decideExitSignal, type ExitSignalAction } from '../src/index.js'

const D: ExitSignalAction = { action: 'drop' }
const M: ExitSignalAction = { action: 'deliver' }
const T = (reason: unknown): ExitSignalAction => ({ action: 'terminate', reason })

// [trapExit, viaLink, linkActive, reason, fromSelf, expected]
const table: [boolean, boolean, boolean, unknown, boolean, ExitSignalAction][] = [
  // exit(pid, reason) from another process
  [false, false, false, 'normal', false, D],
  [true, false, false, 'normal', false, M],
  [false, false, false, 'kill', false, T('killed')],
  [true, false, false, 'kill', false, T('killed')],
  [false, false, false, 'boom', false, T('boom')],
  [true, false, false, 'boom', false, M],
  [false, false, false, 'killed', false, T('killed')],
  [true, false, false, 'shutdown', false, M],
  // exit(self, reason)
  [false, false, false, 'normal', true, T('normal')],
  [true, false, false, 'normal', true, M],
  [false, false, false, 'kill', true, T('killed')],
  [true, false, false, 'kill', true, T('killed')],
  [false, false, false, 'boom', true, T('boom')],
  [true, false, false, 'boom', true, M],
  // a linked process died
  [false, true, true, 'normal', false, D],
  [true, true, true, 'normal', false, M],
  [false, true, true, 'kill', false, T('kill')],
  [true, true, true, 'kill', false, M],
  [false, true, true, 'killed', false, T('killed')],
  [true, true, true, 'killed', false, M],
  [false, true, true, 'boom', false, T('boom')],
  [true, true, true, 'boom', false, M],
  [false, true, true, 'noproc', false, T('noproc')],
  [false, true, true, 'noconnection', false, T('noconnection')],
  // a link the receiver removed before the signal arrived
  [false, true, false, 'boom', false, D],
  [true, true, false, 'boom', false, D],
  [false, true, false, 'kill', false, D],
  [true, true, false, 'normal', false, D],
]

describe('decideExitSignal', () => {
  it.each(table)('trap=%s link=%s active=%s reason=%s self=%s', (trapExit, viaLink, linkActive, reason, fromSelf, want) => {
    expect(decideExitSignal({ trapExit, viaLink, linkActive, reason, fromSelf })).toEqual(want)
  })

  it('passes error reasons through unchanged', () => {
    const err = new Error('crash')
    expect(decideExitSignal({ trapExit: false, viaLink: true, linkActive: true, reason: err, fromSelf: false })).toEqual(T(err))
  })
})
