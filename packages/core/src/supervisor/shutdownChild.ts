/** Stopping one child by OTP's shutdown rules. */
import type { Node } from '../node.js'
import type { ExitWatcher, ProcessContext } from '../process.js'
import type { Pid } from '../pid.js'
import type { ExitReason } from '../messages.js'
import type { Shutdown } from './childSpec.js'

/**
 * @internal
 * Resolves with `pid`'s exit reason (`noproc` if it is not alive), like a monitor but
 * without a DOWN message: a behaviour cannot `receive`, and the supervisor must wait for a
 * child while its own mailbox stays untouched (it may be inside `terminate`). This is the
 * kernel's internal watcher, the one pending calls use.
 */
export function watchExit(node: Node, pid: Pid): Promise<ExitReason> {
  const p = node._process(pid)
  if (p === undefined) return Promise.resolve('noproc')
  return new Promise((resolve) => {
    const watcher: ExitWatcher = { down: (_ref, _pid, reason) => resolve(reason) }
    ;(p.monitors ??= new Map()).set(node.newRef(), watcher)
  })
}

/**
 * @internal
 * Stops the child `pid` of the supervisor `ctx` and resolves with its exit reason once it is
 * dead. As OTP's `supervisor:shutdown/2`: unlink first, so the child's death does not come
 * back as an EXIT the supervisor would act on; `brutal_kill` sends `kill`; otherwise send
 * `shutdown` (a trapping behaviour child runs `terminate`, because the signal comes from
 * its parent) and, after `shutdown` ms on the node's clock, `kill`.
 */
export async function shutdownChild(ctx: ProcessContext, pid: Pid, shutdown: Shutdown): Promise<ExitReason> {
  const node = ctx.node
  const exited = watchExit(node, pid)
  ctx.unlink(pid)
  if (shutdown === 'brutal_kill') {
    ctx.exit(pid, 'kill')
    return exited
  }
  ctx.exit(pid, 'shutdown')
  if (shutdown === 'infinity') return exited
  // `kill` cannot be trapped, so who sends it does not matter; the node sends it because the
  // supervisor itself may have been killed meanwhile.
  const timer = node.clock.setTimeout(() => node.exit(pid, 'kill'), shutdown)
  try {
    return await exited
  } finally {
    node.clock.clearTimeout(timer)
  }
}
