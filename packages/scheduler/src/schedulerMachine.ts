/**
 * The life of one scheduler server as an xstate v5 machine:
 *
 *   initialising --(latest loaded)--> serving --(write failed)--> recovering --(store agrees)--> serving
 *        |                            | idle <-> writing (one group commit at a time)
 *        +------------ STOP ----------+--> stopped (after the slots in flight are answered)
 *   a failed load, or a store that disagrees after a failed write --> failed
 *
 * Requests are queued in every state and reserved only while serving. Signing runs off the
 * thread, completions come back as events, and the `writing` state persists every signed slot
 * in order as one store write, so writes overlap signing.
 *
 * The machine's context holds a mutable {@link SlotPipeline}: xstate's `assign` would copy
 * the context on every event, and this is the hot path. Events are per turn, not per
 * assignment: the server enqueues calls directly and sends one ADMIT per turn, and the
 * signatures completed in a turn arrive as one SIGNED.
 */
import type { ReplyTo } from '@troupe/core'
import { fromPromise, setup, type ActorRefFrom } from 'xstate'
import type { Assignment } from './assignment.js'
import type { AssignmentMessage } from './assignmentMessage.js'
import type { Message } from './message.js'
import { SlotPipeline, type InFlight, type PipelineEffects, type Queued } from './slotPipeline.js'
import type { AssignmentStore, Latest } from './store.js'
import type { SchedulingMode } from './schedulingMode.js'

export type SchedulerEvent =
  | { readonly type: 'SCHEDULE'; readonly msg: Message; readonly from: ReplyTo; readonly deadline: number }
  | { readonly type: 'VERIFIED'; readonly request: Queued; readonly ok: boolean }
  /** Enqueued directly by the server (see schedulerServer.ts): reserve what can be, once per turn. */
  | { readonly type: 'ADMIT' }
  /** Every signature completed in one turn, so that one write takes them all. */
  | { readonly type: 'SIGNED'; readonly done: readonly Signed[] }
  | { readonly type: 'SIGN_FAILED'; readonly slot: InFlight; readonly error: unknown }
  | { readonly type: 'PUBLISHED'; readonly slot: InFlight; readonly error: unknown }
  | { readonly type: 'STOP'; readonly reason: unknown }

/** A signed slot: the client's message and the record to store. */
export interface Signed {
  readonly slot: InFlight
  readonly msg: AssignmentMessage
  readonly stored: Assignment
}

export interface SchedulerMachineInput {
  readonly procId: string
  readonly mode: Exclude<SchedulingMode, 'disabled'>
  readonly store: AssignmentStore
  readonly maxInFlight: number
  /** Builds the effects; `send` delivers completion events back to this machine. */
  readonly effects: (send: (e: SchedulerEvent) => void) => PipelineEffects
}

export interface SchedulerMachineContext {
  readonly procId: string
  readonly store: AssignmentStore
  readonly pipeline: SlotPipeline
  /** Why the machine is in `failed`, or the reason it was stopped with. */
  reason: unknown
}

export const schedulerMachine = setup({
  types: {
    context: {} as SchedulerMachineContext,
    input: {} as SchedulerMachineInput,
    events: {} as SchedulerEvent,
  },
  actors: {
    loadLatest: fromPromise<Latest | undefined, { store: AssignmentStore; procId: string }>(({ input }) => input.store.latest(input.procId)),
    persist: fromPromise<void, { store: AssignmentStore; procId: string; batch: Assignment[] }>(({ input }) =>
      input.store.write(input.procId, input.batch),
    ),
  },
  guards: {
    hasBatch: ({ context }) => context.pipeline.hasBatch(),
    drained: ({ context }) => context.pipeline.closing && context.pipeline.drained(),
  },
  actions: {
    enqueue: ({ context, event }) => {
      if (event.type === 'SCHEDULE') context.pipeline.enqueue(event.msg, event.from, event.deadline)
    },
    track: ({ context: { pipeline }, event }) => {
      if (event.type === 'VERIFIED') pipeline.verified(event.request, event.ok)
      else if (event.type === 'SIGNED') for (const d of event.done) pipeline.signed(d.slot, d.msg, d.stored)
      else if (event.type === 'SIGN_FAILED') pipeline.signFailed(event.slot, event.error)
      else if (event.type === 'PUBLISHED') pipeline.published(event.slot, event.error)
    },
    admit: ({ context }) => context.pipeline.admit(),
    close: ({ context, event }) => {
      if (event.type !== 'STOP') return
      context.reason = event.reason
      context.pipeline.close(event.reason)
    },
    abort: ({ context }) => context.pipeline.abort(context.reason ?? 'stopped'),
  },
}).createMachine({
  id: 'scheduler',
  context: ({ input, self }) => ({
    procId: input.procId,
    store: input.store,
    reason: undefined,
    pipeline: new SlotPipeline(input.procId, input.mode, input.maxInFlight, input.effects((e) => self.send(e))),
  }),
  initial: 'initialising',
  on: {
    SCHEDULE: { actions: 'enqueue' },
    VERIFIED: { actions: 'track' },
    SIGNED: { actions: 'track' },
    SIGN_FAILED: { actions: 'track' },
    PUBLISHED: { actions: 'track' },
  },
  states: {
    initialising: {
      on: { STOP: { target: 'stopped', actions: 'close' } },
      invoke: {
        src: 'loadLatest',
        input: ({ context }) => ({ store: context.store, procId: context.procId }),
        onDone: { target: 'serving', actions: ({ context, event }) => context.pipeline.load(event.output) },
        onError: { target: 'failed', actions: ({ context, event }) => void (context.reason = event.error) },
      },
    },
    serving: {
      entry: 'admit',
      // Every event can free capacity or settle a verification: try to reserve after each.
      on: {
        SCHEDULE: { actions: ['enqueue', 'admit'] },
        ADMIT: { actions: 'admit' },
        VERIFIED: { actions: ['track', 'admit'] },
        SIGNED: { actions: 'track' },
        SIGN_FAILED: { actions: ['track', 'admit'] },
        PUBLISHED: { actions: ['track', 'admit'] },
        STOP: { actions: 'close' },
      },
      always: { guard: 'drained', target: 'stopped' },
      initial: 'idle',
      states: {
        idle: {
          always: { guard: 'hasBatch', target: 'writing' },
        },
        writing: {
          invoke: {
            src: 'persist',
            // Taking the batch here, as the write starts, groups every slot signed meanwhile.
            input: ({ context }) => ({ store: context.store, procId: context.procId, batch: context.pipeline.takeBatch() }),
            onDone: { target: 'idle', actions: [({ context }) => context.pipeline.written(), 'admit'] },
            onError: { target: '#scheduler.recovering', actions: ({ context, event }) => context.pipeline.writeFailed(event.error) },
          },
        },
      },
    },
    recovering: {
      on: { STOP: { actions: 'close' } },
      invoke: {
        src: 'loadLatest',
        input: ({ context }) => ({ store: context.store, procId: context.procId }),
        onDone: [
          { guard: ({ context, event }) => context.pipeline.consistentWith(event.output), target: 'serving' },
          {
            target: 'failed',
            actions: ({ context }) =>
              void (context.reason = new Error(`store for ${context.procId} disagrees with the durable head after a failed write`)),
          },
        ],
        onError: { target: 'failed', actions: ({ context, event }) => void (context.reason = event.error) },
      },
    },
    stopped: { type: 'final', entry: 'abort' },
    failed: { type: 'final', entry: 'abort' },
  },
})

export type SchedulerActor = ActorRefFrom<typeof schedulerMachine>
