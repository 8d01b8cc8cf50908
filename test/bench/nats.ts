/**
 * NATS benchmarks: troupe messages and calls between two OS processes over a local
 * nats-server, each next to raw NATS doing the same between the same two connections in the
 * same run; and how long a `kill -9` takes to become a nodedown, against the configured
 * heartbeat timeout. Skipped (with a message) when nats-server is not installed.
 *
 * Raw pub/sub publishes one message per payload (each its own msgpack buffer), as a user of
 * the client would; troupe batches the sends of one turn into one publish per peer.
 */
import { performance } from 'node:perf_hooks'
import { isNodeDownMessage, type Pid, type Process } from '@troupe/core'
import { encodeValue, findNatsServer, forkNatsNodes, startLocalNatsServer, startNatsNode } from '@troupe/nats'
import { median, medianOf, type Record } from './harness.js'

const RUNS = 3
const N = 200_000
const RTT = 2000
const setup = new URL('./fixtures/natsBench.ts', import.meta.url)
const payload = { op: 'add', n: 1, tag: 'hello' }

export async function benchNats(record: Record): Promise<void> {
  if (findNatsServer() === null) {
    console.log('nats: skipped (nats-server is not installed)')
    return
  }
  const server = await startLocalNatsServer()
  const cluster = `bench${process.pid}`
  const secret = 'bench'
  const heartbeat = { interval: 250, timeout: 1000 }
  const me = await startNatsNode({ servers: server.url, cluster, secret, name: 'a', heartbeat })
  const kids = await forkNatsNodes(2, { servers: server.url, cluster, secret, heartbeat, prefix: 'b', setup })
  try {
    await me.waitForNodes(2)
    const b = kids[0]!.name
    const nc = me.connection
    const report = async () => Number(new TextDecoder().decode((await nc.request(`bench.report.${b}`, new Uint8Array(0))).data))
    const sink = { name: 'sink', node: b }

    // One-way: raw publish per payload, then troupe sends; each waits until all arrived.
    let rawTotal = 0
    const raw = await medianOf(RUNS, async () => {
      const t0 = performance.now()
      for (let i = 0; i < N; i++) {
        nc.publish(`bench.raw.${b}`, encodeValue(payload))
        if ((i & 4095) === 4095) await new Promise((r) => setImmediate(r))
      }
      rawTotal += N
      while ((await report()) < rawTotal) await new Promise((r) => setTimeout(r, 1))
      return N / ((performance.now() - t0) / 1000)
    })
    record('raw.nats_pubsub', raw, 'msgs/s')
    const sinkPid = sink
    let sent = 0
    const send = await medianOf(RUNS, async () => {
      const t0 = performance.now()
      for (let i = 0; i < N; i++) {
        me.node.send(sinkPid, payload)
        if ((i & 4095) === 4095) await new Promise((r) => setImmediate(r))
      }
      sent += N
      while ((await me.node.call<unknown, number>(sinkPid, 'count')) < sent) await new Promise((r) => setTimeout(r, 1))
      return N / ((performance.now() - t0) / 1000)
    })
    record('nats.send_oneway', send, 'msgs/s', { name: 'raw.nats_pubsub', value: raw })

    // Round trips: raw request/reply and troupe call, alternating, so the machine's drift
    // over the run falls on both alike.
    const [rawRtts, callRtts] = await rtts(
      async () => void (await nc.request(`bench.echo.${b}`, encodeValue(payload))),
      async () => void (await me.node.call(sinkPid, payload)),
    )
    const rawRtt = median(rawRtts)
    record('raw.nats_request_rtt_p50_us', rawRtt, 'µs')
    record('nats.call_rtt_p50_us', median(callRtts), 'µs', { name: 'raw.nats_request_rtt_p50_us', value: rawRtt })

    // kill -9 to nodedown, against the heartbeat timeout.
    const victim = kids[1]!
    const down = new Promise<void>((resolve) => {
      const w: Pid = me.node.spawn(async (ctx: Process) => {
        await ctx.receive(isNodeDownMessage)
        resolve()
      })
      me.monitorNode(w, victim.name)
    })
    const t0 = performance.now()
    victim.process.kill('SIGKILL')
    await down
    record('nats.nodedown_detect_ms', performance.now() - t0, 'ms', { name: 'heartbeat.timeout', value: heartbeat.timeout })
  } finally {
    await Promise.all(kids.map((k) => k.stop()))
    await me.stop()
    await server.stop()
  }
}

/** Round trips in µs of `a` and of `b`, one of each in turn, after a warm-up of both. */
async function rtts(a: () => Promise<void>, b: () => Promise<void>): Promise<[number[], number[]]> {
  for (let i = 0; i < 200; i++) {
    await a()
    await b()
  }
  const as: number[] = []
  const bs: number[] = []
  for (let i = 0; i < RTT; i++) {
    let t0 = performance.now()
    await a()
    as.push((performance.now() - t0) * 1000)
    t0 = performance.now()
    await b()
    bs.push((performance.now() - t0) * 1000)
  }
  return [as, bs]
}
