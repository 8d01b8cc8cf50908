/** Starting one child, linked to its supervisor, with the start failure as data. */
import type { ProcessContext } from '../process.js'
import type { Pid } from '../pid.js'
import type { AnyBehaviour } from '../behaviour.js'
import type { ProcessFn } from '../node.js'
import { InitFailed } from '../errors.js'
import { startLink } from '../cluster/api.js'
import type { ActorRef } from '../cluster/actorRef.js'
import type { NormalizedChildSpec } from './childSpec.js'

/** @internal */
export type StartResult = { readonly ok: true; readonly pid: Pid } | { readonly ok: false; readonly reason: unknown }

/**
 * @internal
 * Starts `spec` linked to the supervisor `ctx`, with `extra` arguments before the spec's own.
 * A behaviour's `init` is awaited (like `gen_server:start_link`); its failure comes back as
 * the reason it failed with, unwrapped from `InitFailed`. The child's EXIT for that failure
 * still reaches the supervisor, which ignores it: the pid was never recorded as a child.
 * A child with a `node` is started there by module URL + export (remote `startLink`).
 */
export async function startChildProcess(ctx: ProcessContext, spec: NormalizedChildSpec, extra: readonly unknown[]): Promise<StartResult> {
  const args = extra.length === 0 ? spec.args : [...extra, ...spec.args]
  try {
    if (spec.node !== undefined) return { ok: true, pid: await startLink(ctx, spec.node, spec.actor as ActorRef, args as never, spec.options) }
    const pid =
      typeof spec.actor === 'function'
        ? ctx.spawnLink<Pid>(spec.actor as ProcessFn, args, spec.options)
        : await ctx.startLink<Pid>(spec.actor as AnyBehaviour, args, spec.options)
    return { ok: true, pid }
  } catch (e) {
    return { ok: false, reason: InitFailed.is(e) ? e.reason : e }
  }
}
