/** The inspection stream of a node, in the spirit of xstate's `inspect`. */
import type { Pid, Ref } from './pid.js'
import type { ExitReason } from './messages.js'
import type { Name } from './name.js'

export type InspectionEvent =
  | { readonly type: 'spawn'; readonly pid: Pid; readonly parent: Pid | undefined }
  | { readonly type: 'exit'; readonly pid: Pid; readonly reason: ExitReason }
  | { readonly type: 'send'; readonly from: Pid; readonly to: Pid }
  | { readonly type: 'link' | 'unlink'; readonly from: Pid; readonly to: Pid }
  | { readonly type: 'monitor'; readonly ref: Ref; readonly watcher: Pid; readonly target: Pid }
  | { readonly type: 'down'; readonly ref: Ref; readonly watcher: Pid; readonly target: Pid; readonly reason: ExitReason }
  | { readonly type: 'pg_join' | 'pg_leave'; readonly scope: string; readonly group: Name; readonly pids: readonly Pid[] }

export type InspectionListener = (event: InspectionEvent) => void
