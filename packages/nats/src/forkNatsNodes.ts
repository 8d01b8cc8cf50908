/**
 * Starts node processes on this machine that join a NATS cluster: what `troupe run --nodes
 * N --nats <url>` needs, and what examples and tests use. Each child runs childMain with
 * `child_process.fork` (`--import tsx` when this runs from TypeScript sources).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { describeValue as describe } from '@troupe/core'
import type { NatsNodeOptions } from './startNatsNode.js'

/** @internal */
export type ParentToChild = { readonly t: 'stop' }
/** @internal */
export type ChildToParent = { readonly t: 'ready'; readonly name: string }

export interface ForkNatsNodesOptions extends Pick<NatsNodeOptions, 'servers' | 'cluster' | 'secret' | 'heartbeat' | 'subjectPrefix'> {
  /** Node names: `prefix1`, `prefix2`, ... Default `'node'`. */
  prefix?: string
  /**
   * A module each child imports once its node is up (URL or file URL string); if it exports
   * `start(natsNode)`, that runs before the child reports ready.
   */
  setup?: URL | string
  /** Environment of the children (default this process's). */
  env?: NodeJS.ProcessEnv
  /** How long a child may take to join, in ms. Default 20 s. */
  timeout?: number
}

export interface ForkedNatsNode {
  /** The child's node id (`<name>@<incarnation>`). */
  readonly name: string
  readonly process: ChildProcess
  /** Stops the node gracefully (goodbye, then exit); resolves when the process is gone. */
  stop(): Promise<void>
}

const here = import.meta.url
const ext = here.endsWith('.ts') ? '.ts' : '.js'
const entry = new URL(`./childMain${ext}`, here)

/** Forks one node process per name `prefix1..prefixN`; resolves when every one has joined. */
export async function forkNatsNodes(count: number, options: ForkNatsNodesOptions): Promise<ForkedNatsNode[]> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${describe(count)}`)
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${describe(options)}`)
  const { prefix = 'node', setup, env, timeout = 20_000, ...node } = options
  if (typeof node.secret !== 'string') throw new TypeError(`options.secret must be a string for a forked node, got ${describe(node.secret)}`)
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => forkOne({ ...node, name: `${prefix}${i + 1}`, ...(setup !== undefined ? { setup: String(setup) } : {}) }, env, timeout)),
  )
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = started.find((r) => r.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all(ok.map((n) => n.stop()))
    throw failed.reason
  }
  return ok
}

function forkOne(config: object, env: NodeJS.ProcessEnv | undefined, timeout: number): Promise<ForkedNatsNode> {
  const child = fork(entry, [], {
    execArgv: ext === '.ts' ? ['--import', 'tsx'] : [],
    env: { ...(env ?? process.env), TROUPE_NATS_NODE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`a forked node did not join within ${timeout} ms`))
    }, timeout)
    child.once('exit', (code, signal) => {
      clearTimeout(t)
      reject(new Error(`a forked node exited before joining (code ${code}, signal ${signal})`))
    })
    child.on('message', (m: ChildToParent) => {
      if (m.t !== 'ready') return
      clearTimeout(t)
      let stopping: Promise<void> | null = null
      resolve({
        name: m.name,
        process: child,
        stop() {
          stopping ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              if (child.connected) child.send({ t: 'stop' } satisfies ParentToChild)
              else child.kill('SIGTERM')
              const k = setTimeout(() => child.kill('SIGKILL'), 5000)
              await exited
              clearTimeout(k)
            }
          })()
          return stopping
        },
      })
    })
  })
}
