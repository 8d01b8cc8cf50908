/** Options are validated at the boundary with Node-core style messages; signatures bind subject and body. */
import { describe, expect, it } from 'vitest'
import { startNatsNode, type NatsNodeOptions } from '../src/index.js'
import { Codec } from '../src/codec.js'

const base: NatsNodeOptions = { servers: 'nats://127.0.0.1:1', cluster: 'c', secret: 's' }

describe('startNatsNode options', () => {
  it.each([
    [{ ...base, servers: [] }, /options.servers must be a URL string or a non-empty array/],
    [{ ...base, cluster: 'a.b' }, /options.cluster must match/],
    [{ ...base, secret: '' }, /options.secret must be a non-empty string or Uint8Array/],
    [{ ...base, name: 'x y' }, /options.name must match/],
    [{ ...base, heartbeat: { interval: 0 } }, /options.heartbeat.interval must be a positive integer/],
    [{ ...base, heartbeat: { interval: 500, timeout: 400 } }, /options.heartbeat.timeout must be greater than options.heartbeat.interval/],
    [{ ...base, logger: {} as never }, /options.logger must have a warn method/],
    [{ ...base, nope: 1 } as never, /nope/],
  ])('rejects %j', async (opts, message) => {
    await expect(startNatsNode(opts as NatsNodeOptions)).rejects.toThrow(message)
  })
})

describe('signatures', () => {
  it('verify only with the same secret, cluster and subject', () => {
    const c = new Codec('s', 'c')
    const sealed = c.seal('troupe.c.n.x', [1, 'a'])
    expect(c.open('troupe.c.n.x', sealed)).toEqual([1, 'a'])
    expect(c.open('troupe.c.n.y', sealed)).toBeUndefined()
    expect(new Codec('s', 'other').open('troupe.c.n.x', sealed)).toBeUndefined()
    expect(new Codec('t', 'c').open('troupe.c.n.x', sealed)).toBeUndefined()
    const tampered = sealed.slice()
    tampered[tampered.length - 1]! ^= 1
    expect(c.open('troupe.c.n.x', tampered)).toBeUndefined()
  })
})
