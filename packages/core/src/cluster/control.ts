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
