/** The stream rule, as a table: what a node does with a batch, given its view of the sender's stream. */
import { describe, expect, it } from 'vitest'
import { decideClaim, decideInbound, type InboundDecision } from '../src/index.js'

describe('decideInbound', () => {
  const rows: [string, { epoch: number; seq: number; dead: number }, number, number, InboundDecision][] = [
    ['first batch of a stream', { epoch: 0, seq: 0, dead: 0 }, 3, 1, 'deliver'],
    ['a stream seen from its middle', { epoch: 0, seq: 0, dead: 0 }, 3, 4, 'gap'],
    ['the next batch', { epoch: 3, seq: 7, dead: 0 }, 3, 8, 'deliver'],
    ['a batch lost before this one', { epoch: 3, seq: 7, dead: 0 }, 3, 9, 'gap'],
    ['a batch seen twice', { epoch: 3, seq: 7, dead: 0 }, 3, 7, 'duplicate'],
    ['a stream declared down', { epoch: 0, seq: 0, dead: 3 }, 3, 8, 'stale'],
    ['an older stream', { epoch: 5, seq: 1, dead: 0 }, 3, 9, 'stale'],
    ['the sender started a new stream', { epoch: 3, seq: 7, dead: 0 }, 6, 1, 'reset'],
  ]
  it.each(rows)('%s', (_name, view, epoch, seq, expected) => {
    expect(decideInbound(view, epoch, seq)).toBe(expected)
  })
})

describe('decideClaim (a heartbeat says how many batches were sent)', () => {
  it.each([
    ['nothing sent, nothing received', { epoch: 0, seq: 0, dead: 0 }, 4, 0, 'ok'],
    ['sent but never received: a lost tail', { epoch: 0, seq: 0, dead: 0 }, 4, 2, 'gap'],
    ['all received', { epoch: 4, seq: 2, dead: 0 }, 4, 2, 'ok'],
    ['the tail lost', { epoch: 4, seq: 2, dead: 0 }, 4, 3, 'gap'],
    ['another stream', { epoch: 4, seq: 2, dead: 0 }, 5, 0, 'gap'],
  ] as const)('%s', (_n, view, epoch, seq, expected) => {
    expect(decideClaim(view, epoch, seq)).toBe(expected)
  })
})
