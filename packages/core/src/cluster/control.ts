import type { DevBundle } from './devBundle.js'

/** The control plane between the parent and a worker-thread node: boot, mesh, liveness, stop. @internal */
export type ControlToNode =
  | { readonly t: 'connect'; readonly peers: readonly { readonly peer: string; readonly port: unknown }[] }
  | { readonly t: 'down'; readonly peer: string; readonly reason: unknown }
  | { readonly t: 'ping' }
  | { readonly t: 'stop' }

export type ControlToParent =
  | { readonly t: 'ready' }
  | { readonly t: 'connected' }
  | { readonly t: 'pong' }
  | { readonly t: 'stopped' }
  /** The node's thread is ending: process.exit(code), or an uncaught exception (`error`, encoded). */
  | { readonly t: 'exiting'; readonly code: number; readonly error?: unknown }

/** What a node's thread gets as `workerData`. */
export interface NodeWorkerData {
  readonly name: string
  /** For boot.mjs: the module to import, tsx's loader when running from sources, and from sources also core's dev bundle (devBundle.ts) unless it is turned off. */
  readonly boot: { readonly entry: string; readonly tsx: string | null; readonly core: DevBundle | null }
  readonly setup: string | null
  readonly budget: number | null
  readonly busyWaitUs: number
  /** The cluster's spinner count and this thread's own flag (see busyWait.ts). */
  readonly spinners: SharedArrayBuffer
  readonly spinning: SharedArrayBuffer
  readonly maxSpinners: number
  /** The parent's node and the data port to it (transferred with the thread). */
  readonly parent: { readonly peer: string; readonly port: unknown }
}
