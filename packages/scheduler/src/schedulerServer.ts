/**
 * A scheduler server: one troupe process per AO process, hosting the xstate actor that does
 * the work ({@link schedulerMachine}). Being a process, it is found by name
 * (`['scheduler@1.0', procId]`), linked, monitored and supervised like any other; calls to
 * it become events to the machine.
 *
 * It traps exits, so an exit signal (a supervisor's shutdown, `stopScheduler`) runs
 * `terminate`, which refuses the queued requests and waits for the slots in flight to be
 * answered. `kill` cannot be trapped: the machine then starts no new work (see `alive`).
 */
import { defineBehaviour, isExitMessage, noreply, reply, stop, type Clock, type Node, type Pid, type Process, type ReplyTo } from '@troupe/core'
import { createActor } from 'xstate'
import type { AssignmentMessage, BlockInfoProvider } from './assignmentMessage.js'
import { assignmentBytes, signedAssignment } from './assignmentSigning.js'
import type { Signer } from './commit.js'
import { signBatched, signEd25519WithEncodings, type SignedBytes } from './signWorker.js'
import type { Message } from './message.js'
import { schedulerMachine, type SchedulerActor, type SchedulerEvent, type Signed } from './schedulerMachine.js'
import type { SchedulingMode } from './schedulingMode.js'
import type { PipelineEffects, PipelineInfo, ServerReply } from './slotPipeline.js'
import type { AssignmentStore } from './store.js'
import { verifyAsync } from './verify.js'
import type { Wallet } from './wallet.js'

/** Sends an accepted assignment elsewhere (e.g. to Arweave); resolves once it is accepted. */
export type Publisher = (assignment: AssignmentMessage) => Promise<void>

/** Everything a server needs, resolved by the registry. @internal */
export interface ServerConfig {
  readonly procId: string
  readonly processMessage: Message
  readonly mode: Exclude<SchedulingMode, 'disabled'>
  readonly store: AssignmentStore
  readonly wallet: Wallet
  readonly clock: Clock
  readonly blockInfo: BlockInfoProvider
  readonly publisher: Publisher | undefined
  readonly sign: Signer
  readonly maxInFlight: number
}

/** What `info` reports about a live server. */
export interface ServerInfo extends PipelineInfo {
  /** Addresses of the wallets that sign this process's assignments. */
  readonly wallets: readonly string[]
  /** The machine's state. */
  readonly state: 'initialising' | 'serving' | 'recovering' | 'stopped' | 'failed'
}

/** @internal the server's call protocol */
export type ServerRequest = { readonly type: 'schedule'; readonly msg: Message; readonly deadline: number } | { readonly type: 'info' }

interface ServerState {
  readonly config: ServerConfig
  readonly actor: SchedulerActor
  /** Settles when the machine reaches a final state. */
  readonly done: Promise<void>
  /** An ADMIT event is due at the end of this turn. */
  admitQueued: boolean
}

/** @internal */
export const schedulerServer = defineBehaviour({
  init(ctx: Process, config: ServerConfig): ServerState {
    const { node, self } = ctx
    const actor = createActor(schedulerMachine, {
      input: {
        procId: config.procId,
        mode: config.mode,
        store: config.store,
        maxInFlight: config.maxInFlight,
        effects: (send) => effects(node, self, config, send),
      },
    })
    const done = new Promise<void>((resolve) => {
      actor.subscribe({
        complete: () => {
          const snap = actor.getSnapshot()
          // A failure inside the machine ends the process with its reason, like a crash.
          if (snap.matches('failed') && node.isAlive(self)) node.exit(self, snap.context.reason)
          resolve()
        },
        error: (err) => {
          if (node.isAlive(self)) node.exit(self, err)
          resolve()
        },
      })
    })
    actor.start()
    return { config, actor, done, admitQueued: false }
  },

  handleCall(req: ServerRequest, from: ReplyTo, state: ServerState) {
    const snap = state.actor.getSnapshot()
    if (req.type === 'info') return reply(info(state, snap.value), state)
    if (snap.status !== 'active') {
      // The machine ended and the process is on its way out: its exit answers the caller.
      return noreply(state)
    }
    // Hot path: the request goes straight into the queue (what SCHEDULE's `enqueue` does in
    // every state), and one ADMIT event per turn reserves for every request of the turn.
    snap.context.pipeline.enqueue(req.msg, from, req.deadline)
    if (!state.admitQueued) {
      state.admitQueued = true
      queueMicrotask(() => {
        state.admitQueued = false
        if (state.actor.getSnapshot().status === 'active') state.actor.send({ type: 'ADMIT' })
      })
    }
    return noreply(state)
  },

  handleInfo(msg: unknown, state: ServerState) {
    // Trapped exit signals (from a link, or sent to this pid) stop the server cleanly.
    if (isExitMessage(msg) && msg.reason !== 'normal') return stop(msg.reason, state)
    return state
  },

  async terminate(reason: unknown, state: ServerState): Promise<void> {
    if (state.actor.getSnapshot().status === 'active') state.actor.send({ type: 'STOP', reason })
    await state.done
  },
})

function info(state: ServerState, value: unknown): ServerInfo {
  const name = typeof value === 'string' ? value : Object.keys(value as object)[0]
  return { ...state.actor.getSnapshot().context.pipeline.info(), wallets: [state.config.wallet.address], state: name as ServerInfo['state'] }
}

function effects(node: Node, self: Pid, config: ServerConfig, send: (e: SchedulerEvent) => void): PipelineEffects {
  // After a kill the machine outlives its process: completions are dropped from then on.
  const post = (e: SchedulerEvent): void => {
    if (node.isAlive(self)) send(e)
  }
  const { wallet, sign, publisher, clock, blockInfo } = config
  const withEncodings = sign === signBatched && wallet.type === 'ed25519'
  // Signatures completed in one turn go to the machine as one SIGNED event.
  let signedNow: Signed[] = []
  const flushSigned = (): void => {
    const done = signedNow
    signedNow = []
    post({ type: 'SIGNED', done })
  }
  return {
    now: () => clock.now(),
    block: blockInfo,
    alive: () => node.isAlive(self),
    reply: (to, r: ServerReply) => node.reply(to, r),
    verify: (request) => {
      verifyAsync(request.msg).then(
        (ok) => post({ type: 'VERIFIED', request, ok }),
        () => post({ type: 'VERIFIED', request, ok: false }),
      )
    },
    sign: (slot) => {
      let bytes: Uint8Array
      let started: Promise<Uint8Array | SignedBytes>
      try {
        bytes = assignmentBytes(slot.record, slot.unsigned)
        // The default signer's worker also computes the commitment's IDs: take them.
        started = withEncodings ? signEd25519WithEncodings(wallet, bytes) : Promise.resolve(sign(wallet, bytes))
      } catch (err) {
        started = Promise.reject(err)
      }
      started.then(
        (r) => {
          let done: Signed
          try {
            const { msg, stored } = withEncodings
              ? signedAssignment(slot.record, slot.unsigned, wallet, bytes, (r as SignedBytes).sig, (r as SignedBytes).encodings)
              : signedAssignment(slot.record, slot.unsigned, wallet, bytes, r as Uint8Array)
            done = { slot, msg, stored }
          } catch (error) {
            // A signer that resolved with something other than a signature.
            post({ type: 'SIGN_FAILED', slot, error })
            return
          }
          if (signedNow.push(done) === 1) queueMicrotask(flushSigned)
        },
        (error: unknown) => post({ type: 'SIGN_FAILED', slot, error }),
      )
    },
    publish: (slot) => {
      // Checked at creation: remote_confirmation always has a publisher.
      const p = publisher!
      let started: Promise<void>
      try {
        started = Promise.resolve(p(slot.signed!))
      } catch (err) {
        started = Promise.reject(err)
      }
      started.then(
        () => post({ type: 'PUBLISHED', slot, error: null }),
        (error: unknown) => post({ type: 'PUBLISHED', slot, error: error ?? new Error('publisher rejected') }),
      )
    },
  }
}
