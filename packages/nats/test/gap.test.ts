/**
 * No silent loss: a node whose event loop is blocked while a peer floods it is cut off by
 * the server as a slow consumer, and core NATS drops what it had queued for it. The
 * sequence numbers turn that hole into a nodedown, with all its signals, on both sides;
 * what the receiving process got is a gapless prefix of what was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorRef, isDownMessage, isNodeDownMessage } from '@troupe/core'
import { forkNatsNodes, startLocalNatsServer, startNatsNode, type ForkedNatsNode, type LocalNatsServer, type NatsNode } from '../src/index.js'
import { natsInstalled, probe } from './harness.js'
import type * as A from './fixtures/actors.js'

const actors = new URL('./fixtures/actors.ts', import.meta.url)
const recorder = actorRef<typeof A.recorder>(actors, 'recorder')
const blocker = actorRef<typeof A.blocker>(actors, 'blocker')
// The heartbeat window is far longer than the block: only the sequence numbers can catch the loss.
const heartbeat = { interval: 250, timeout: 15_000 }

describe.runIf(natsInstalled)('a blocked event loop', () => {
  let server: LocalNatsServer
  let me: NatsNode
  let kid: ForkedNatsNode
  const warnings: string[] = []

  beforeAll(async () => {
    // A small outbound buffer and write deadline per client, so a stalled reader is cut off fast.
    server = await startLocalNatsServer({ config: 'max_pending: 1MB\nwrite_deadline: "500ms"\n' })
    me = await startNatsNode({ servers: server.url, cluster: 'gap', secret: 's', name: 'flooder', heartbeat, logger: { warn: (m) => void warnings.push(m) } })
    ;[kid] = await forkNatsNodes(1, { servers: server.url, cluster: 'gap', secret: 's', heartbeat, prefix: 'slow' })
    await me.waitForNodes(1)
  }, 30_000)

  afterAll(async () => {
    await kid?.stop()
    await me?.stop()
    await server?.stop()
  })

  it('turns a slow-consumer cut into a nodedown, never a quiet hole', async () => {
    const slow = kid.name
    const rec = await me.spawn(slow, recorder, [])
    const blk = await me.spawn(slow, blocker, [])
    const p = await probe(me.node)
    const ref = p.ctx.monitor(rec)
    me.monitorNode(p.pid, slow)
    me.node.send(blk, { block: 3000, ack: p.pid })
    // The blocker acks just before its loop blocks.
    expect(await p.next((m) => m === 'blocking')).toBe('blocking')
    // Flood it while it cannot read: 64 KiB messages, numbered.
    const payload = 'x'.repeat(64 * 1024)
    let sent = 0
    let down = false
    const nodedown = p.next<{ reason: unknown }>(isNodeDownMessage, 20_000).then((m) => {
      down = true
      return m
    })
    // About 40 MB, well past the server's 1 MB per-client buffer and the socket's.
    while (!down && sent < 640) {
      for (let k = 0; k < 16 && !down; k++) me.node.send(rec, { i: ++sent, payload } as { i: number })
      await new Promise((r) => setTimeout(r, 5))
    }
    // The slow node finds the hole when it reads again, drops the stream and kicks the flooder.
    expect((await nodedown).reason).toMatch(/sequence_gap|connection_closed/)
    expect(warnings.some((w) => /dropped its connection .*sequence_gap/.test(w))).toBe(true)
    expect(await p.next(isDownMessage)).toMatchObject({ ref, reason: 'noconnection' })
    // They reconnect afresh; the recorder saw 1..count with no hole, and fewer than were sent.
    await me.waitForNodes(1, 10_000)
    let state: { count: number; last: number; holes: number } | undefined
    for (let i = 0; i < 100 && state === undefined; i++) {
      try {
        state = await me.node.call(rec, 'state', { timeout: 2000 })
      } catch {
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    expect(state!.holes).toBe(0)
    expect(state!.last).toBe(state!.count)
    expect(state!.count).toBeLessThan(sent)
  }, 40_000)
})
