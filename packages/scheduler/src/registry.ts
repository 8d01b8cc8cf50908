/**
 * The node-local registry of scheduler servers (HyperBEAM's `dev_scheduler_registry`): one
 * server per AO process ID, registered in the node's name table as `['scheduler@1.0', procId]`.
 *
 * Finding and creating is one synchronous step on the node's thread (look up, spawn with the
 * name, which registers it atomically), so any number of concurrent `find(id, proc)` calls,
 * from any processes, get the same single server. HyperBEAM's registry could start two servers
 * for one ID when two finds raced between lookup and registration (fixed upstream in its
 * PR 660); here there is no await between them, so no race. A dead server's name is released
 * as it exits, so the next `find(id, proc)` starts a new one, which recovers from the store.
 */
import { NameTaken, type Clock, type Node, type Pid } from '@troupe/core'
import { zeroBlock, type BlockInfoProvider } from './assignmentMessage.js'
import type { Signer } from './commit.js'
import { RegistryNotStarted, SchedulingDisabled } from './errors.js'
import type { Message } from './message.js'
import { assertSchedulingMode, type SchedulingMode } from './schedulingMode.js'
import { schedulerServer, type Publisher, type ServerConfig } from './schedulerServer.js'
import type { AssignmentStore } from './store.js'
import { assertFunction, assertMessage, assertOptions, assertPositiveInt, assertProcId, assertTimeout } from './validate.js'
import { InvalidOption } from './errors.js'
import { signBatched } from './signWorker.js'
import { createWallet, type Wallet, type WalletType } from './wallet.js'

/** Options of one server; `find(id, proc, options)` overrides the registry's defaults with them. */
export interface ServerOptions {
  /** HyperBEAM's `scheduling_mode`. Default: the registry's `defaultMode`. */
  readonly mode?: SchedulingMode
  /** Required for `remote_confirmation`. */
  readonly publisher?: Publisher
  readonly blockInfo?: BlockInfoProvider
  /** Replaces the signing function (failure injection, a remote signer). */
  readonly sign?: Signer
  /** Slots reserved and not yet answered, at most; further requests wait in the queue. */
  readonly maxInFlight?: number
}
const SERVER_OPTIONS = ['mode', 'publisher', 'blockInfo', 'sign', 'maxInFlight'] as const

export interface RegistryOptions {
  /** Where assignments are kept. Required. */
  readonly store: AssignmentStore
  /** The node's scheduling wallet. Default: one made by `start()`, of `walletType`. */
  readonly wallet?: Wallet
  readonly walletType?: WalletType
  /** Assignment timestamps and request deadlines. Default: the node's clock. */
  readonly clock?: Clock
  /** Default: {@link zeroBlock}. */
  readonly blockInfo?: BlockInfoProvider
  readonly publisher?: Publisher
  readonly defaultMode?: SchedulingMode
  /** Default timeout of client calls, ms. */
  readonly timeout?: number
  readonly sign?: Signer
  readonly maxInFlight?: number
}
const REGISTRY_OPTIONS = ['store', 'wallet', 'walletType', 'clock', 'blockInfo', 'publisher', 'defaultMode', 'timeout', 'sign', 'maxInFlight'] as const

/** Defaults, as data. */
export const registryDefaults = {
  defaultMode: 'local_confirmation',
  /** AO's and Arweave's key type; tests and benchmarks pass Ed25519 wallets for speed. */
  walletType: 'rsa',
  timeout: 10_000,
  maxInFlight: 1024,
} as const

export interface Registry {
  readonly node: Node
  readonly store: AssignmentStore
  readonly clock: Clock
  readonly blockInfo: BlockInfoProvider
  /** Default timeout of client calls, ms. */
  readonly timeout: number
  /** Makes the wallet if none was given. Idempotent: every call returns the same promise. */
  start(): Promise<Registry>
  /** The live server of `procId`, or `'not_found'`; never creates one. */
  find(procId: string, create?: false): Pid | 'not_found'
  /**
   * The live server of `procId`, created if there is none (it then loads its head from the store).
   * @throws SchedulingDisabled in `disabled` mode, UnknownSchedulingMode, RegistryNotStarted.
   */
  find(procId: string, processMessage: Message, options?: ServerOptions): Pid
  /** The node's scheduling wallet. @throws RegistryNotStarted before `start()` made it. */
  getWallet(): Wallet
  /** IDs of the processes with a live server on this node. */
  getProcesses(): string[]
}

const SERVER_KEY = 'scheduler@1.0'

/** The registered name of `procId`'s server. */
export function serverName(procId: string): readonly [string, string] {
  return [SERVER_KEY, procId]
}

const registries = new WeakMap<Node, Registry>()

/**
 * Creates the scheduler registry of `node` (one per node). Ready at once when given a
 * wallet; otherwise `await registry.start()` first.
 * @example
 * const registry = await createRegistry(node, { store: await openLmdbStore({ path }), wallet }).start()
 * const assignment = await schedule(registry, procId, message)
 */
export function createRegistry(node: Node, options: RegistryOptions): Registry {
  if (typeof node !== 'object' || node === null || typeof node.whereis !== 'function') throw new InvalidOption({ option: 'node', expected: 'a troupe Node' })
  assertOptions(options, REGISTRY_OPTIONS, 'options')
  if (options === undefined) throw new InvalidOption({ option: 'options.store', expected: 'an AssignmentStore' })
  const store = options.store
  if (typeof store !== 'object' || store === null || typeof store.write !== 'function' || typeof store.latest !== 'function')
    throw new InvalidOption({ option: 'options.store', expected: 'an AssignmentStore' })
  if (options.defaultMode !== undefined) assertSchedulingMode(options.defaultMode)
  if (options.walletType !== undefined && options.walletType !== 'rsa' && options.walletType !== 'ed25519')
    throw new InvalidOption({ option: 'options.walletType', expected: "'rsa' or 'ed25519'" })
  if (options.timeout !== undefined) assertTimeout(options.timeout, 'options.timeout')
  checkServerOptions(options, 'options')
  if (registries.has(node)) throw new InvalidOption({ option: 'node', expected: `a node without a scheduler registry (${node.name} has one)` })

  const clock = options.clock ?? node.clock
  const defaults = {
    mode: options.defaultMode ?? registryDefaults.defaultMode,
    blockInfo: options.blockInfo ?? (() => zeroBlock),
    publisher: options.publisher,
    sign: options.sign ?? signBatched,
    maxInFlight: options.maxInFlight ?? registryDefaults.maxInFlight,
  }
  let wallet = options.wallet
  let started: Promise<Registry> | undefined

  const registry: Registry = {
    node,
    store,
    clock,
    blockInfo: defaults.blockInfo,
    timeout: options.timeout ?? registryDefaults.timeout,
    start() {
      started ??= (async () => {
        wallet ??= await createWallet(options.walletType ?? registryDefaults.walletType)
        return registry
      })()
      return started
    },
    find(procId: string, processMessage?: Message | false, opts?: ServerOptions): Pid | 'not_found' {
      assertProcId(procId)
      const name = serverName(procId)
      const live = node.whereis(name)
      if (live !== undefined) return live
      if (processMessage === undefined || processMessage === false) return 'not_found'
      assertMessage(processMessage, 'processMessage')
      assertOptions(opts, SERVER_OPTIONS, 'options')
      if (opts !== undefined) checkServerOptions(opts, 'options')
      const mode = opts?.mode ?? defaults.mode
      assertSchedulingMode(mode)
      if (mode === 'disabled') throw new SchedulingDisabled({ procId })
      const publisher = opts?.publisher ?? defaults.publisher
      if (mode === 'remote_confirmation' && publisher === undefined)
        throw new InvalidOption({ option: 'options.publisher', expected: 'a function in remote_confirmation mode' })
      if (wallet === undefined) throw new RegistryNotStarted({ node: node.name })
      const config: ServerConfig = {
        procId,
        processMessage,
        mode,
        store,
        wallet,
        clock,
        blockInfo: opts?.blockInfo ?? defaults.blockInfo,
        publisher,
        sign: opts?.sign ?? defaults.sign,
        maxInFlight: opts?.maxInFlight ?? defaults.maxInFlight,
      }
      try {
        return node.spawn(schedulerServer, [config], { name, trapExit: true })
      } catch (err) {
        // Unreachable while lookup and spawn share one synchronous step; kept so that a
        // future await between them returns the winner instead of a second server.
        const winner = NameTaken.is(err) ? node.whereis(name) : undefined
        if (winner === undefined) throw err
        return winner
      }
    },
    getWallet() {
      if (wallet === undefined) throw new RegistryNotStarted({ node: node.name })
      return wallet
    },
    getProcesses() {
      const ids: string[] = []
      for (const name of node.registered()) {
        if (Array.isArray(name) && name.length === 2 && name[0] === SERVER_KEY) ids.push(name[1] as string)
      }
      return ids
    },
  } as Registry
  registries.set(node, registry)
  return registry
}

/** {@link createRegistry}, then `start()`. */
export function startRegistry(node: Node, options: RegistryOptions): Promise<Registry> {
  return createRegistry(node, options).start()
}

function checkServerOptions(o: ServerOptions, arg: string): void {
  if (o.mode !== undefined) assertSchedulingMode(o.mode)
  if (o.publisher !== undefined) assertFunction(o.publisher, `${arg}.publisher`)
  if (o.blockInfo !== undefined) assertFunction(o.blockInfo, `${arg}.blockInfo`)
  if (o.sign !== undefined) assertFunction(o.sign, `${arg}.sign`)
  if (o.maxInFlight !== undefined) assertPositiveInt(o.maxInFlight, `${arg}.maxInFlight`)
}
