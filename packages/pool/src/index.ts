/**
 * @troupe/pool — pooled CPU-bound work on Piscina threads. A node joins a pool by starting
 * a member (an actor owning its own threads, in the pool's pg group); any node opens a view
 * of the pool and sends it tasks named by module URL plus export.
 */
export { defineTask } from './defineTask.js'
export { progress } from './taskContext.js'
export type { TaskRef, TaskArgs, TaskResult, TaskInput, AnyTaskFn } from './defineTask.js'
export { openPool, closePool, call, cast, execute, map, placeChild, stats, unfinished } from './pool.js'
export type { Pool, PoolOptions, TaskOptions, ExecuteOptions, ChildPlacement, PlacedActor, PlaceChildOptions } from './pool.js'
export type { ExecuteStatus, QueuedTask, PoolStats, UnfinishedTask } from './poolView.js'
export { startPoolMember, stopPoolMember, configureMember, memberInfo } from './poolMember.js'
export type { PoolMemberOptions, MemberSettings } from './poolMember.js'
export type { MemberInfo } from './protocol.js'
export type { ThreadLimits } from './memberThreads.js'
export { leastLoaded } from './placement.js'
export type { MemberLoad, Placement } from './placement.js'
export { retryDelay } from './retryDelay.js'
export { poolDefaults } from './poolDefaults.js'
export {
  PermanentFailure,
  TaskFailed,
  AllMembersAtCapacity,
  WaitTimeout,
  ExecutionTimeout,
  TaskAborted,
  PoolClosed,
} from './errors.js'
export type { RemoteError } from './errors.js'
