/** Shared set-up for scheduler tests: nodes, registries on memory stores, process IDs. */
import { createHash } from 'node:crypto'
import { createManualClock, createNode, type ManualClock, type Node } from '@troupe/core'
import { createMemoryStore, type MemoryStore } from '../src/memoryStore.js'
import { createRegistry, type Registry, type RegistryOptions } from '../src/registry.js'
import { createWallet, type Wallet } from '../src/wallet.js'

/** A valid AO process ID (43 base64url characters, 32 bytes), one per seed. */
export function procId(seed: string | number): string {
  return createHash('sha256').update(String(seed)).digest('base64url')
}

let shared: Promise<Wallet> | undefined
/** One Ed25519 wallet per test file: fast to make, fast to sign with. */
export function edWallet(): Promise<Wallet> {
  return (shared ??= createWallet('ed25519'))
}

export interface Setup {
  node: Node
  clock: ManualClock | undefined
  store: MemoryStore
  registry: Registry
  wallet: Wallet
}

/** A node and a started registry on a fresh memory store. `manual` drives time by hand. */
export async function setup(opts: Partial<RegistryOptions> & { manual?: boolean } = {}): Promise<Setup> {
  const { manual, ...rest } = opts
  const clock = manual ? createManualClock(1_700_000_000_000) : undefined
  const node = createNode(clock ? { clock } : {})
  const store = (rest.store as MemoryStore | undefined) ?? createMemoryStore()
  const wallet = rest.wallet ?? (await edWallet())
  const registry = await createRegistry(node, { ...rest, store, wallet }).start()
  return { node, clock, store, registry, wallet }
}

/** Lets promise callbacks and the node's run queue go (several macrotask turns, no sleeping). */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r))
}

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}
