/**
 * Membership is protected by the cluster's secret: a node with the wrong one never joins,
 * cannot spawn or send into the cluster, and its attempts are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpawnFailed, actorRef } from '@troupe/core'
import { startLocalNatsServer, startNatsNode, type LocalNatsServer, type NatsNode } from '../src/index.js'
import { Codec } from '../src/codec.js'
import { natsInstalled, probe } from './harness.js'
import type * as A from './fixtures/actors.js'

const counter = actorRef<typeof A.counter>(new URL('./fixtures/actors.ts', import.meta.url), 'counter')
const heartbeat = { interval: 100, timeout: 1000 }

describe.runIf(natsInstalled)('the cluster secret', () => {
  let server: LocalNatsServer
  let good: NatsNode
  let good2: NatsNode
  let evil: NatsNode
  const warnings: string[] = []

  beforeAll(async () => {
    server = await startLocalNatsServer()
    const logger = { warn: (m: string) => void warnings.push(m) }
    good = await startNatsNode({ servers: server.url, cluster: 'sec', secret: 'right', name: 'good', heartbeat, logger })
    good2 = await startNatsNode({ servers: server.url, cluster: 'sec', secret: 'right', name: 'good2', heartbeat, logger })
    evil = await startNatsNode({ servers: server.url, cluster: 'sec', secret: 'wrong', name: 'evil', heartbeat, logger: { warn: () => {} } })
    await good.waitForNodes(1)
  })

  afterAll(async () => {
    await Promise.all([good?.stop(), good2?.stop(), evil?.stop()])
    await server?.stop()
  })

  it('a node with the wrong secret does not join, and its heartbeats are logged', async () => {
    await new Promise((r) => setTimeout(r, 3 * heartbeat.interval))
    expect(good.nodes()).toEqual([good2.name])
    expect(evil.nodes()).toEqual([])
    expect(warnings.some((w) => /not signed with this cluster's secret/.test(w))).toBe(true)
  })

  it('cannot spawn into the cluster, nor send to a pid it knows', async () => {
    await expect(evil.spawn(good.name, counter, [0])).rejects.toSatisfy((e) => SpawnFailed.is(e))
    const p = await probe(good.node)
    // A forged batch: a SEND frame for p, signed with the wrong secret, on good's subject.
    const subject = `troupe.sec.n.${good.name}`
    warnings.length = 0
    evil.connection.publish(subject, new Codec('wrong', 'sec').seal(subject, [0, evil.name, 1, 1, [0, p.pid, 'hi']]))
    await evil.connection.flush()
    await expect(p.next(undefined, 300)).rejects.toThrow(/no matching message/)
    expect(warnings.some((w) => w.includes(subject))).toBe(true)
    // The same frame signed with the right secret is delivered: the signature is the only barrier tested here.
    good2.connection.publish(subject, new Codec('right', 'sec').seal(subject, [0, 'other@00000000', 1, 1, [0, p.pid, 'hi']]))
    expect(await p.next()).toBe('hi')
  })
})
