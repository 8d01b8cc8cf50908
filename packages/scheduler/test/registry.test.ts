import { createNode, type Pid, type Process } from '@troupe/core'
import { describe, expect, it } from 'vitest'
import { schedule, serverInfo, stopScheduler } from '../src/client.js'
import { InvalidOption, InvalidProcessId, RegistryNotStarted, SchedulingDisabled, UnknownSchedulingMode } from '../src/errors.js'
import { createMemoryStore } from '../src/memoryStore.js'
import { createRegistry, serverName, startRegistry } from '../src/registry.js'
import { edWallet, flush, procId, setup } from './harness.js'

const PROC = { type: 'Process', 'data-protocol': 'ao' }

// Ported from HyperBEAM's dev_scheduler_registry eunit tests.
describe('registry (ported)', () => {
  it('start is idempotent', async () => {
    const node = createNode()
    // The one RSA wallet of this file: a registry without a wallet makes one (AO's key type).
    const registry = createRegistry(node, { store: createMemoryStore() })
    const [a, b] = await Promise.all([registry.start(), registry.start()])
    expect(a).toBe(registry)
    expect(b).toBe(registry)
    expect(await registry.start()).toBe(registry)
    expect(registry.getWallet().type).toBe('rsa')
  })

  it('find of an unknown ID returns not_found and creates nothing', async () => {
    const { registry, node } = await setup()
    expect(registry.find(procId(1))).toBe('not_found')
    expect(registry.getProcesses()).toEqual([])
    expect(node.registered()).toEqual([])
  })

  it('find(id, false) returns not_found and creates nothing', async () => {
    const { registry } = await setup()
    expect(registry.find(procId(1), false)).toBe('not_found')
    expect(registry.getProcesses()).toEqual([])
  })

  it('find(id, proc) creates a live server and returns the same one next time', async () => {
    const { registry, node } = await setup()
    const pid = registry.find(procId(1), PROC)
    expect(node.isAlive(pid)).toBe(true)
    expect(registry.find(procId(1), PROC)).toBe(pid)
    expect(registry.find(procId(1))).toBe(pid)
    expect(node.whereis(serverName(procId(1)))).toBe(pid)
  })

  it('find(id, proc, opts) with local_confirmation creates a server in that mode', async () => {
    const { registry, node } = await setup()
    const pid = registry.find(procId(1), PROC, { mode: 'local_confirmation' })
    expect(node.isAlive(pid)).toBe(true)
    expect(await serverInfo(registry, procId(1))).toMatchObject({ id: procId(1), mode: 'local_confirmation', current: -1, hashChain: '' })
  })

  it('getWallet returns a key pair', async () => {
    const { registry } = await setup()
    const w = registry.getWallet()
    expect(w.priv.type).toBe('private')
    expect(w.pub.type).toBe('public')
    expect(w.address).toHaveLength(43)
  })

  it('getProcesses after creating two includes both IDs', async () => {
    const { registry } = await setup()
    registry.find(procId(1), PROC)
    registry.find(procId(2), PROC)
    expect(registry.getProcesses().sort()).toEqual([procId(1), procId(2)].sort())
  })
})

describe('registry', () => {
  it('concurrent finds from many processes yield one server per ID', async () => {
    const { registry, node } = await setup()
    const ids = [procId('a'), procId('b'), procId('c')]
    const seen = new Map<string, Set<Pid>>(ids.map((id) => [id, new Set()]))
    const done: Promise<void>[] = []
    for (let i = 0; i < 300; i++) {
      done.push(
        new Promise<void>((resolve) => {
          node.spawn(async (ctx: Process) => {
            // Interleave: every finder yields before and after, so their turns mix.
            await ctx.receive(undefined, { timeout: 0 })
            const id = ids[i % ids.length]!
            seen.get(id)!.add(registry.find(id, PROC))
            await Promise.resolve()
            seen.get(id)!.add(registry.find(id, PROC))
            resolve()
          })
        }),
      )
    }
    await Promise.all(done)
    for (const id of ids) expect(seen.get(id)!.size).toBe(1)
    expect(registry.getProcesses().sort()).toEqual([...ids].sort())
    const servers = node.processes().filter((p) => node.processInfo(p)?.registeredName !== undefined)
    expect(servers).toHaveLength(3)
  })

  it('concurrent schedules from many processes share one server and get distinct, dense slots', async () => {
    const { registry, node } = await setup()
    const id = procId('race')
    const slots = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            node.spawn(async () => {
              schedule(registry, id, { n: i }).then((a) => resolve(a.slot), reject)
            })
          }),
      ),
    )
    expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(registry.getProcesses()).toEqual([id])
  })

  it('a dead server is removed at once; the next find starts a new one that recovers from the store', async () => {
    const { registry, node } = await setup()
    const id = procId(1)
    await schedule(registry, id, { n: 0 })
    await schedule(registry, id, { n: 1 })
    const first = registry.find(id)
    node.exit(first as Pid, 'kill')
    expect(registry.find(id)).toBe('not_found')
    expect(registry.getProcesses()).toEqual([])
    const second = registry.find(id, PROC)
    expect(second).not.toBe(first)
    expect((await schedule(registry, id, { n: 2 })).slot).toBe(2)
  })

  it('stopScheduler stops the server and frees its name', async () => {
    const { registry } = await setup()
    const id = procId(1)
    await schedule(registry, id, { n: 0 })
    expect(await stopScheduler(registry, id)).toBe(true)
    expect(registry.find(id)).toBe('not_found')
    expect(await stopScheduler(registry, id)).toBe(false)
  })

  it('refuses to create a server when disabled, and an unknown mode, without hanging', async () => {
    const { registry } = await setup({ defaultMode: 'disabled' })
    expect(() => registry.find(procId(1), PROC)).toThrow(SchedulingDisabled)
    expect(registry.find(procId(1))).toBe('not_found')
    expect(() => registry.find(procId(1), PROC, { mode: 'eager' as never })).toThrow(UnknownSchedulingMode)
    const err = await schedule(registry, procId(1), { n: 0 }, { mode: 'eager' as never }).catch((e: unknown) => e)
    expect(UnknownSchedulingMode.is(err)).toBe(true)
    expect(registry.getProcesses()).toEqual([])
  })

  it('validates its arguments', async () => {
    const { registry } = await setup()
    expect(() => registry.find('not-an-id')).toThrow(InvalidProcessId)
    expect(() => registry.find(procId(1), 'proc' as never)).toThrow(/processMessage must be an AO message/)
    expect(() => registry.find(procId(1), PROC, { mood: 1 } as never)).toThrow(/options\.mood/)
    expect(() => registry.find(procId(1), PROC, { maxInFlight: 0 })).toThrow(/options\.maxInFlight must be a positive integer, got number 0/)
    expect(() => registry.find(procId(1), PROC, { mode: 'remote_confirmation' })).toThrow(/options\.publisher/)
    expect(() => createRegistry(createNode(), {} as never)).toThrow(InvalidOption)
    expect(() => createRegistry(registry.node, { store: createMemoryStore() })).toThrow(/has one/)
  })

  it('needs its wallet before creating servers', async () => {
    const registry = createRegistry(createNode(), { store: createMemoryStore() })
    expect(() => registry.find(procId(1), PROC)).toThrow(RegistryNotStarted)
    expect(() => registry.getWallet()).toThrow(RegistryNotStarted)
    expect(registry.find(procId(1))).toBe('not_found')
  })

  it('startRegistry with a wallet is ready at once', async () => {
    const wallet = await edWallet()
    const registry = await startRegistry(createNode(), { store: createMemoryStore(), wallet })
    expect(registry.getWallet()).toBe(wallet)
    await flush()
  })
})
