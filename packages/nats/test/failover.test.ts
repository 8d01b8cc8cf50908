/**
 * A 3-server NATS cluster loses the server a node is connected to: the client fails over
 * to another server within the heartbeat window, and no node is declared down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorRef, isNodeDownMessage } from '@troupe/core'
import { startLocalNatsServer, startNatsNode, type LocalNatsServer, type NatsNode } from '../src/index.js'
import { natsInstalled, probe } from './harness.js'
import type * as A from './fixtures/actors.js'

const counter = actorRef<typeof A.counter>(new URL('./fixtures/actors.ts', import.meta.url), 'counter')
// The window (3 s) exceeds a failover (reconnectTimeWait 250 ms plus a connect).
const heartbeat = { interval: 250, timeout: 3000 }

describe.runIf(natsInstalled)('server failover', () => {
  const servers: LocalNatsServer[] = []
  let a: NatsNode
  let b: NatsNode

  beforeAll(async () => {
    const cluster = ['--cluster', 'nats://127.0.0.1:-1', '--cluster_name', 'fo']
    const s1 = await startLocalNatsServer({ jetstream: false, args: cluster })
    servers.push(s1)
    for (let i = 0; i < 2; i++) servers.push(await startLocalNatsServer({ jetstream: false, args: [...cluster, '--routes', s1.routeUrl!] }))
    const urls = servers.map((s) => s.url)
    // a on server 1, b on server 2, each able to fail over to the others.
    a = await startNatsNode({ servers: urls, cluster: 'fo', secret: 's', name: 'a', heartbeat, connection: { noRandomize: true } })
    b = await startNatsNode({ servers: [urls[1]!, urls[2]!, urls[0]!], cluster: 'fo', secret: 's', name: 'b', heartbeat, connection: { noRandomize: true } })
    await a.waitForNodes(1)
    await b.waitForNodes(1)
  }, 30_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('fails over without a false nodedown', async () => {
    const p = await probe(a.node)
    a.monitorNodes(p.pid)
    const pid = await a.spawn(b.name, counter, [1])
    // Wait for the client's own event: it has reconnected to another server.
    const reconnected = (async () => {
      for await (const st of a.connection.status()) if (st.type === 'reconnect') return
    })()
    servers[0]!.process.kill('SIGKILL')
    await reconnected
    a.node.cast(pid, 1)
    expect(await a.node.call(pid, 'get', { timeout: 5000 })).toBe(2)
    // One heartbeat window past the kill: a false nodedown would have come by now.
    await new Promise((r) => setTimeout(r, heartbeat.timeout + 500))
    await expect(p.next(isNodeDownMessage, 10)).rejects.toThrow(/no matching message/)
    expect(a.nodes()).toEqual([b.name])
    expect(b.nodes()).toEqual([a.name])
  }, 20_000)
})
