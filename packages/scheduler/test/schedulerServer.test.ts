import type { Pid, Process } from '@troupe/core'
import { describe, expect, it } from 'vitest'
import { nextAssignment, type Assignment } from '../src/assignment.js'
import { toAssignmentMessage, toRecord, unsignedAssignmentMessage, zeroBlock, type AssignmentMessage } from '../src/assignmentMessage.js'
import { getSchedule, schedule, serverInfo, stopScheduler } from '../src/client.js'
import { commit } from '../src/commit.js'
import {
  AssignmentFailed,
  InvalidMessage,
  InvalidOption,
  InvalidProcessId,
  SchedulerStopped,
  SchedulerTimeout,
  UnverifiedMessage,
} from '../src/errors.js'
import { nextHashChain } from '../src/hashChain.js'
import { id } from '../src/id.js'
import { createMemoryStore } from '../src/memoryStore.js'
import { commitmentsOf, type Message } from '../src/message.js'
import type { ServerOptions } from '../src/registry.js'
import type { AssignmentStore } from '../src/store.js'
import { verify } from '../src/verify.js'
import { verifySchedule } from '../src/verifySchedule.js'
import { createWallet, sign as walletSign, type Wallet } from '../src/wallet.js'
import { deferred, edWallet, flush, procId, rejection, setup } from './harness.js'

const P = procId('server')

/** A store whose `latest` and `write` wait for the test to let them through. */
function gatedStore(inner: AssignmentStore = createMemoryStore()) {
  const latestGates: ReturnType<typeof deferred<void>>[] = []
  const writeGates: ReturnType<typeof deferred<void>>[] = []
  const writes: number[][] = []
  let gateLatest = false
  let gateWrites = false
  const store: AssignmentStore = {
    ...inner,
    latest: async (p) => {
      if (gateLatest) {
        const g = deferred<void>()
        latestGates.push(g)
        await g.promise
      }
      return inner.latest(p)
    },
    read: (...a) => inner.read(...a),
    close: () => inner.close(),
    write: async (p, batch) => {
      writes.push(batch.map((a) => a.slot))
      if (gateWrites) {
        const g = deferred<void>()
        writeGates.push(g)
        await g.promise
      }
      return inner.write(p, batch)
    },
  }
  return {
    store,
    writes,
    latestGates,
    writeGates,
    gate(which: { latest?: boolean; writes?: boolean }) {
      gateLatest = which.latest ?? gateLatest
      gateWrites = which.writes ?? gateWrites
    },
  }
}

/** A signer that fails the calls whose (0-based) index is in `failing`, and counts calls. */
function flakySigner(failing: number[]) {
  let calls = 0
  const sign = (w: Wallet, b: Uint8Array) => (failing.includes(calls++) ? Promise.reject(new Error('hsm unplugged')) : walletSign(w, b))
  return { sign, calls: () => calls }
}

const settleAll = <T>(ps: Promise<T>[]) => Promise.allSettled(ps)
const slotsOf = (rs: PromiseSettledResult<AssignmentMessage>[]) => rs.map((r) => (r.status === 'fulfilled' ? r.value.slot : (r.reason as { tag?: string; stage?: string }).stage ?? (r.reason as Error).name))

describe('scheduler server: assignments', () => {
  it('gives dense slots from 0 and a signed ao.N.1 assignment with the hash chain', async () => {
    const blockInfo = () => ({ height: 1234, hash: 'h'.repeat(43), timestamp: 1_699_999_999 })
    const { registry, clock, wallet } = await setup({ manual: true, blockInfo })
    const a0 = await schedule(registry, P, { action: 'Eval', data: 'one' })
    clock!.advance(5)
    const a1 = await schedule(registry, P, { action: 'Eval', data: 'two', path: 'push' })
    expect(a0).toMatchObject({
      path: 'compute',
      'data-protocol': 'ao',
      variant: 'ao.N.1',
      process: P,
      epoch: '0',
      slot: 0,
      'block-height': 1234,
      'block-hash': 'h'.repeat(43),
      'block-timestamp': 1_699_999_999,
      timestamp: 1_700_000_000_000,
      body: { action: 'Eval', data: 'one' },
    })
    expect(a1).toMatchObject({ slot: 1, path: 'push', timestamp: 1_700_000_000_005 })
    expect(a0['hash-chain']).toBe(nextHashChain(undefined, id(a0.body, 'all')))
    expect(a1['hash-chain']).toBe(nextHashChain(a0['hash-chain'], id(a1.body, 'all')))
    expect(verify(a0)).toBe(true)
    const signers = Object.values(commitmentsOf(a0)).filter((c) => c.signature !== undefined)
    expect(signers.map((c) => c.committer)).toEqual([wallet.address])
    expect(verifySchedule([a0, a1], { signer: wallet.address })).toBe(true)
    const stored = await getSchedule(registry, P)
    expect(stored.assignments).toEqual([a0, a1])
  })

  it('assigns what the signers committed: uncovered keys of a signed message are dropped', async () => {
    const { registry } = await setup()
    const client = await edWallet()
    const signed = await commit({ action: 'Transfer', quantity: '5' }, client)
    const a = await schedule(registry, P, { ...signed, sneaky: 'not signed' })
    expect(a.body['sneaky']).toBeUndefined()
    expect(a.body['quantity']).toBe('5')
    expect(verify(a.body)).toBe(true)
  })

  it('a restarted server continues the chain exactly as one that never stopped', async () => {
    const msgs: Message[] = Array.from({ length: 10 }, (_, i) => ({ n: i }))
    const a = await setup({ manual: true })
    for (const m of msgs.slice(0, 4)) await schedule(a.registry, P, m)
    await stopScheduler(a.registry, P)
    for (const m of msgs.slice(4)) await schedule(a.registry, P, m)
    const b = await setup({ manual: true })
    for (const m of msgs) await schedule(b.registry, P, m)
    const chain = async (s: typeof a) => (await getSchedule(s.registry, P)).assignments.map((x) => x['hash-chain'])
    expect(await chain(a)).toEqual(await chain(b))
    expect(verifySchedule((await getSchedule(a.registry, P)).assignments)).toBe(true)
  })

  it('pipelines: many requests in flight are written in group commits, answered in slot order', async () => {
    const g = gatedStore()
    let signed = 0
    let calls = 0
    // Slot 1 signs first: libuv's threads may finish later slots before it, and then the
    // first write would take them too. Slots 2 and on start once slot 1's signature is back.
    const slot1 = deferred<void>()
    const sign = async (w: Wallet, b: Uint8Array) => {
      const call = calls++
      if (call >= 2) await slot1.promise
      const sig = await walletSign(w, b)
      signed++
      if (call === 1) slot1.resolve()
      return sig
    }
    const { registry } = await setup({ store: g.store as never, sign })
    await schedule(registry, P, { n: -1 })
    g.gate({ writes: true })
    const order: number[] = []
    const ps = Array.from({ length: 20 }, (_, i) => schedule(registry, P, { n: i }).then((a) => (order.push(a.slot), a)))
    // The first write holds slot 1; every slot signed meanwhile goes into the next write.
    while (g.writeGates.length === 0 || signed < 21) await flush()
    await flush() // the last signature's event reaches the machine
    g.gate({ writes: false })
    g.writeGates[0]!.resolve()
    await Promise.all(ps)
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(g.writes).toEqual([[0], [1], Array.from({ length: 19 }, (_, i) => i + 2)])
  })
})

describe('scheduler server: modes', () => {
  async function modeSetup(mode: ServerOptions['mode'], publisher?: (a: AssignmentMessage) => Promise<void>) {
    const g = gatedStore()
    const s = await setup({ store: g.store as never, ...(publisher ? { publisher } : {}) })
    const opts: ServerOptions = mode === undefined ? {} : { mode }
    return { ...s, g, opts }
  }

  it('aggressive answers once signed, before the write is durable', async () => {
    const { registry, g, opts } = await modeSetup('aggressive')
    g.gate({ writes: true })
    const a = await schedule(registry, P, { n: 0 }, opts)
    expect(a.slot).toBe(0)
    expect(g.writeGates).toHaveLength(1)
    expect((await getSchedule(registry, P)).assignments).toEqual([])
    g.writeGates[0]!.resolve()
    while ((await getSchedule(registry, P)).assignments.length === 0) await flush()
  })

  it('local_confirmation (the default) answers only once the write is durable', async () => {
    const { registry, g } = await modeSetup(undefined)
    g.gate({ writes: true })
    let answered = false
    const p = schedule(registry, P, { n: 0 }).then((a) => ((answered = true), a))
    while (g.writeGates.length === 0) await flush()
    await flush()
    expect(answered).toBe(false)
    g.writeGates[0]!.resolve()
    expect((await p).slot).toBe(0)
    expect((await serverInfo(registry, P)).mode).toBe('local_confirmation')
  })

  it('remote_confirmation answers after the publisher accepts; a refusal is reported and the slot stays taken', async () => {
    const published: number[] = []
    let refuse = false
    const gate = deferred<void>()
    const publisher = async (a: AssignmentMessage) => {
      await gate.promise
      if (refuse) throw new Error('bundler said no')
      published.push(a.slot)
    }
    const { registry, opts } = await modeSetup('remote_confirmation', publisher)
    let answered = false
    const p = schedule(registry, P, { n: 0 }, opts).then((a) => ((answered = true), a))
    // Durable first, and still unanswered while the publisher holds it.
    while ((await getSchedule(registry, P)).assignments.length === 0) await flush()
    await flush()
    expect(answered).toBe(false)
    gate.resolve()
    expect((await p).slot).toBe(0)
    refuse = true
    const err = await rejection(schedule(registry, P, { n: 1 }))
    expect(err).toMatchObject({ tag: 'AssignmentFailed', stage: 'publish', slot: 1 })
    expect((err as Error).message).toMatch(/bundler said no/)
    refuse = false
    expect((await schedule(registry, P, { n: 2 })).slot).toBe(2)
    expect(published).toEqual([0, 2])
  })
})

describe('scheduler server: failures never hand out a slot twice nor leave a hole', () => {
  it('a failed sign fails that request; the next message gets the same slot', async () => {
    const flaky = flakySigner([1])
    const { registry } = await setup({ sign: flaky.sign })
    expect((await schedule(registry, P, { n: 0 })).slot).toBe(0)
    const err = await rejection(schedule(registry, P, { n: 1 }))
    expect(AssignmentFailed.is(err)).toBe(true)
    expect(err).toMatchObject({ stage: 'sign', slot: 1 })
    expect((await schedule(registry, P, { n: 2 })).slot).toBe(1)
    const all = (await getSchedule(registry, P)).assignments
    expect(all.map((a) => a.body['n'])).toEqual([0, 2])
    expect(verifySchedule(all)).toBe(true)
  })

  it('a signer that throws, or resolves with no signature, fails that request like a failed sign', async () => {
    let mode: 'ok' | 'throw' | 'junk' = 'ok'
    const signer = (w: Wallet, b: Uint8Array): Promise<Uint8Array> => {
      if (mode === 'throw') throw new Error('signer threw')
      if (mode === 'junk') return Promise.resolve('not a signature' as unknown as Uint8Array)
      return walletSign(w, b)
    }
    const { registry } = await setup({ sign: signer })
    expect((await schedule(registry, P, { n: 0 })).slot).toBe(0)
    for (const m of ['throw', 'junk'] as const) {
      mode = m
      expect(await rejection(schedule(registry, P, { n: 1 }))).toMatchObject({ tag: 'AssignmentFailed', stage: 'sign', slot: 1 })
    }
    mode = 'ok'
    expect((await schedule(registry, P, { n: 2 })).slot).toBe(1)
    expect(verifySchedule((await getSchedule(registry, P)).assignments)).toBe(true)
  })

  it('a sign failing while later slots are in flight fails those too and rolls back the head', async () => {
    const flaky = flakySigner([2])
    const { registry } = await setup({ sign: flaky.sign })
    const results = await settleAll(Array.from({ length: 5 }, (_, i) => schedule(registry, P, { n: i })))
    expect(slotsOf(results)).toEqual([0, 1, 'sign', 'aborted', 'aborted'])
    expect((await serverInfo(registry, P)).current).toBe(1)
    expect((await schedule(registry, P, { n: 5 })).slot).toBe(2)
    const all = (await getSchedule(registry, P)).assignments
    expect(all.map((a) => a.slot)).toEqual([0, 1, 2])
    expect(verifySchedule(all)).toBe(true)
  })

  it('a failed write fails its batch and what follows; the server recovers and reuses the slots', async () => {
    const store = createMemoryStore()
    const { registry } = await setup({ store })
    await schedule(registry, P, { n: 0 })
    store.failWrite = (_p, slots) => (slots.includes(1) ? new Error('disk full') : undefined)
    const results = await settleAll(Array.from({ length: 4 }, (_, i) => schedule(registry, P, { n: i + 1 })))
    expect(slotsOf(results)[0]).toBe('persist')
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(results.map((r) => (r as PromiseRejectedResult).reason.stage).slice(1).every((s: string) => s === 'persist' || s === 'aborted')).toBe(true)
    store.failWrite = undefined
    const next = await schedule(registry, P, { n: 9 })
    expect(next.slot).toBe(1)
    expect((await serverInfo(registry, P)).state).toBe('serving')
    const all = (await getSchedule(registry, P)).assignments
    expect(all.map((a) => a.slot)).toEqual([0, 1])
    expect(verifySchedule(all)).toBe(true)
  })

  it('aggressive: a failed write loses assignments already acknowledged, and their slots come again (as the mode warns)', async () => {
    const store = createMemoryStore()
    const { registry } = await setup({ store, defaultMode: 'aggressive' })
    await schedule(registry, P, { n: 0 })
    while ((await getSchedule(registry, P)).assignments.length === 0) await flush()
    store.failWrite = (_p, slots) => (slots.includes(1) ? new Error('disk full') : undefined)
    const lost = await schedule(registry, P, { n: 1 })
    expect(lost.slot).toBe(1)
    while ((await serverInfo(registry, P)).current !== 0) await flush()
    store.failWrite = undefined
    const again = await schedule(registry, P, { n: 2 })
    expect(again.slot).toBe(1)
    while ((await getSchedule(registry, P)).assignments.length < 2) await flush()
    const all = (await getSchedule(registry, P)).assignments
    expect(all.map((a) => a.body['n'])).toEqual([0, 2])
    expect(verifySchedule(all)).toBe(true)
  })

  it('a store that disagrees after a failed write stops the server; the next one starts from the store', async () => {
    const inner = createMemoryStore()
    let lie = false
    const store: AssignmentStore = {
      latest: async (p) => (lie ? { slot: 41, hashChain: 'x', assignment: undefined as never } : inner.latest(p)),
      read: (...a) => inner.read(...a),
      write: (p, b) => inner.write(p, b),
      close: () => inner.close(),
    }
    const { registry, node } = await setup({ store })
    await schedule(registry, P, { n: 0 })
    const pid = registry.find(P) as Pid
    inner.failWrite = () => new Error('io error')
    lie = true
    const err = await rejection(schedule(registry, P, { n: 1 }))
    expect(err).toMatchObject({ stage: 'persist' })
    while (node.isAlive(pid)) await flush()
    expect(registry.find(P)).toBe('not_found')
    lie = false
    inner.failWrite = undefined
    expect((await schedule(registry, P, { n: 1 })).slot).toBe(1)
  })

  it('a failing block provider fails the request without taking a slot', async () => {
    let broken = true
    const { registry } = await setup({
      blockInfo: () => {
        if (broken) throw new Error('no gateway')
        return { height: 1, hash: 'A'.repeat(43), timestamp: 1 }
      },
    })
    expect(((await rejection(schedule(registry, P, { n: 0 }))) as Error).message).toBe('no gateway')
    broken = false
    expect((await schedule(registry, P, { n: 1 })).slot).toBe(0)
  })
})

describe('scheduler server: bad input', () => {
  it('accepts a message without commitments, as HyperBEAM does', async () => {
    const { registry } = await setup()
    expect((await schedule(registry, P, { data: 'unsigned' })).body).toEqual({ data: 'unsigned' })
  })

  it('rejects a tampered message without consuming a slot', async () => {
    const { registry } = await setup()
    const signed = await commit({ action: 'Transfer', quantity: '5' }, await edWallet())
    const err = await rejection(schedule(registry, P, { ...signed, quantity: '5000' }))
    expect(UnverifiedMessage.is(err)).toBe(true)
    const forged = await rejection(schedule(registry, P, { ...signed, commitments: { bogus: { 'commitment-device': 'ed25519', committed: ['action'] } } }))
    expect(UnverifiedMessage.is(forged)).toBe(true)
    expect((await schedule(registry, P, signed)).slot).toBe(0)
  })

  it('rejects a message that cannot be encoded without consuming a slot', async () => {
    const { registry } = await setup()
    expect(InvalidMessage.is(await rejection(schedule(registry, P, { n: Number.NaN })))).toBe(true)
    expect((await schedule(registry, P, { n: 1 })).slot).toBe(0)
  })

  it('validates arguments at the boundary', async () => {
    const { registry } = await setup()
    expect(InvalidProcessId.is(await rejection(schedule(registry, 'short', { n: 1 })))).toBe(true)
    expect(InvalidProcessId.is(await rejection(schedule(registry, P.slice(0, 42) + 'B', { n: 1 })))).toBe(true)
    const notMsg = await rejection(schedule(registry, P, [1] as never))
    expect(InvalidOption.is(notMsg)).toBe(true)
    expect((notMsg as Error).message).toBe('msg must be an AO message (a plain object), got an array')
    expect(((await rejection(schedule(registry, P, { n: 1 }, { timeout: -1 }))) as Error).message).toMatch(/options\.timeout must be/)
    expect(registry.getProcesses()).toEqual([])
  })
})

describe('scheduler server: timeouts and stopping', () => {
  it('a request that times out while the server loads is dropped without a slot', async () => {
    const g = gatedStore()
    g.gate({ latest: true })
    const { registry, clock } = await setup({ store: g.store as never, manual: true })
    const late = schedule(registry, P, { n: 'late' }, { timeout: 100 })
    const patient = schedule(registry, P, { n: 'patient' }, { timeout: 1000 })
    await flush()
    clock!.advance(100)
    const err = await rejection(late)
    expect(SchedulerTimeout.is(err)).toBe(true)
    expect(err).toMatchObject({ procId: P, timeout: 100 })
    g.gate({ latest: false })
    g.latestGates[0]!.resolve()
    expect((await patient).slot).toBe(0)
    expect((await schedule(registry, P, { n: 'next' })).slot).toBe(1)
    expect((await getSchedule(registry, P)).assignments.map((a) => a.body['n'])).toEqual(['patient', 'next'])
  })

  it('defaults to a 10 s timeout', async () => {
    const g = gatedStore()
    g.gate({ latest: true })
    const { registry, clock } = await setup({ store: g.store as never, manual: true })
    let settled = false
    const p = schedule(registry, P, { n: 0 }).finally(() => (settled = true))
    p.catch(() => {})
    await flush()
    clock!.advance(9_999)
    await flush()
    expect(settled).toBe(false)
    clock!.advance(1)
    expect(SchedulerTimeout.is(await rejection(p))).toBe(true)
  })

  it('requests waiting behind maxInFlight past their deadline never get a slot', async () => {
    const gate = deferred<void>()
    const sign = async (w: Wallet, b: Uint8Array) => {
      await gate.promise
      return walletSign(w, b)
    }
    const { registry, clock } = await setup({ manual: true, sign, maxInFlight: 1 })
    const first = schedule(registry, P, { n: 0 }, { timeout: 10_000 })
    const waiting = schedule(registry, P, { n: 1 }, { timeout: 50 })
    while ((await serverInfo(registry, P)).state !== 'serving') await flush()
    expect(await serverInfo(registry, P)).toMatchObject({ inFlight: 1, queued: 1 })
    clock!.advance(50)
    expect(SchedulerTimeout.is(await rejection(waiting))).toBe(true)
    gate.resolve()
    expect((await first).slot).toBe(0)
    expect((await schedule(registry, P, { n: 2 })).slot).toBe(1)
  })

  it('stopping refuses queued requests; slots in flight are still answered', async () => {
    const g = gatedStore()
    const { registry } = await setup({ store: g.store as never })
    await schedule(registry, P, { n: 0 })
    g.gate({ writes: true })
    const inFlight = schedule(registry, P, { n: 1 })
    while (g.writeGates.length === 0) await flush()
    const stopped = stopScheduler(registry, P)
    await flush()
    g.writeGates[0]!.resolve()
    expect((await inFlight).slot).toBe(1)
    await stopped
    expect(registry.find(P)).toBe('not_found')
  })

  it('stopping a server that is still loading rejects its queued requests with SchedulerStopped', async () => {
    const g = gatedStore()
    g.gate({ latest: true })
    const { registry } = await setup({ store: g.store as never })
    const p = schedule(registry, P, { n: 0 })
    await flush()
    const stopped = stopScheduler(registry, P)
    const err = await rejection(p)
    expect(SchedulerStopped.is(err)).toBe(true)
    await stopped
  })

  it('killing a server answers its callers with SchedulerStopped', async () => {
    const g = gatedStore()
    const { registry, node } = await setup({ store: g.store as never })
    g.gate({ writes: true })
    const p = schedule(registry, P, { n: 0 })
    while (g.writeGates.length === 0) await flush()
    node.exit(registry.find(P) as Pid, 'kill')
    expect(await rejection(p)).toMatchObject({ tag: 'SchedulerStopped', reason: 'killed' })
  })

  it('a server is linked and monitored like any process', async () => {
    const { registry, node } = await setup()
    const pid = registry.find(P, { type: 'Process' })
    const down = new Promise<unknown>((resolve) => {
      node.spawn(async (ctx: Process) => {
        ctx.monitor(pid)
        resolve(await ctx.receive())
      })
    })
    await flush()
    node.exit(pid, 'kill')
    expect(await down).toMatchObject({ type: 'DOWN', pid, reason: 'killed' })
  })
})

describe('scheduler server: info', () => {
  it('reports id, current, hashChain, mode and wallets', async () => {
    const { registry, wallet } = await setup()
    registry.find(P, { type: 'Process' }, { mode: 'aggressive' })
    expect(await serverInfo(registry, P)).toMatchObject({ id: P, current: -1, hashChain: '', mode: 'aggressive', wallets: [wallet.address] })
    const a = await schedule(registry, P, { n: 0 })
    expect(await serverInfo(registry, P)).toMatchObject({ current: 0, hashChain: a['hash-chain'], state: 'serving' })
  })

  it('serverInfo of a process without a server is SchedulerNotFound', async () => {
    const { registry } = await setup()
    expect(await rejection(serverInfo(registry, P))).toMatchObject({ tag: 'SchedulerNotFound', procId: P })
  })

  it('stores compact records that rebuild the signed assignment exactly', async () => {
    const store = createMemoryStore()
    const { registry } = await setup({ store })
    const a = await schedule(registry, P, { n: 0 })
    const [rec] = (await store.read(P, 0)) as Assignment[]
    expect(rec!.signed).toHaveLength(10)
    expect(rec!.envelope).toBeUndefined()
    const rebuilt = toAssignmentMessage(rec!)
    expect(rebuilt).toEqual(a)
    expect(verify(rebuilt)).toBe(true)
  })

  it('keeps the whole envelope of an assignment the compact form cannot describe', async () => {
    const base = nextAssignment(undefined, P, { n: 0 }, 1)
    const msg = await commit(await commit(unsignedAssignmentMessage(base, zeroBlock), await edWallet()), await createWallet('ed25519'))
    const rec = toRecord(base, msg as AssignmentMessage)
    expect(rec.signed).toBeUndefined()
    expect(rec.envelope!['body']).toBeUndefined()
    expect(toAssignmentMessage(rec)).toEqual(msg)
  })
})

