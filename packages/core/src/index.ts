/**
 * @troupe/core — Erlang/OTP-style processes for TypeScript: spawn, send, selective receive,
 * gen_server behaviours, links, monitors, exit signals, registered names and pg groups.
 */
export { Node, createNode, nodeDefaults } from './node.js'
export { methodOf } from './pendingMessage.js'
export type { Actor, ProcessFn, SpawnOptions, SpawnResult, NodeOptions, BehaviourArgs } from './node.js'
export { Process } from './process.js'
export type { ProcessContext, ProcessInfo, ProcessStatus, ReceiveOptions, MessageOptions, CallOptions } from './process.js'
export {
  PendingItem,
  PendingQueue,
  RingBuffer,
  definePolicy,
  keyedPolicy,
  validatePolicy,
  fifo,
  random,
  earliestDeadlineFirst,
  priorityBy,
  byMethod,
  InvalidPolicyChoice,
  InvalidPolicyKey,
} from './scheduling/index.js'
export type { PendingView, Policy, FifoPolicy, FunctionPolicy, KeyedPolicy, DefinePolicyOptions, PriorityByOptions } from './scheduling/index.js'
export { defineBehaviour, reply, noreply, stop } from './behaviour.js'
export type { Behaviour, AnyBehaviour, PidOf, SystemMessage } from './behaviour.js'
export { isPid, nodeOf } from './pid.js'
export type { Pid, Ref } from './pid.js'
export { CallRequest, CastRequest, TIMEOUT, isExitMessage, isDownMessage } from './messages.js'
export type { ExitReason, ExitMessage, DownMessage, ReplyTo } from './messages.js'
export { decideExitSignal } from './exitSignal.js'
export type { ExitSignal, ExitSignalAction } from './exitSignal.js'
export type { Name } from './name.js'
// Boundary validation, shared with the other troupe packages so messages read alike.
export { describe as describeValue, assertKnownOptions } from './validate.js'
export { systemClock, createManualClock } from './clock.js'
export type { Clock, ManualClock } from './clock.js'
export { PgScope } from './pg/scope.js'
export { isPgNotification } from './pg/notification.js'
export type { PgNotification } from './pg/notification.js'
export type { InspectionEvent, InspectionListener } from './inspect.js'
export {
  TroupeError,
  defineError,
  registerError,
  encodeError,
  decodeError,
  describeReason,
  CallTimeout,
  CallExited,
  MailboxFull,
  NameTaken,
  AlreadyRegistered,
  NoProc,
  InitFailed,
  NotAlive,
  NotCloneable,
} from './errors.js'
export type { EncodedError } from './errors.js'
export {
  startSupervisor,
  supervisorChild,
  startChild,
  terminateChild,
  restartChild,
  deleteChild,
  whichChildren,
  countChildren,
  stopSupervisor,
  supervisorDefaults,
  startDynamicSupervisor,
  dynamicSupervisorChild,
  startDynamicChild,
  terminateDynamicChild,
  dynamicSupervisorDefaults,
  childSpecDefaults,
  decideRestart,
  affectedChildren,
  isCleanExit,
  checkRestartIntensity,
  ChildStartFailed,
  SupervisorError,
  MaxChildren,
} from './supervisor/index.js'
export type {
  SupervisorOptions,
  DynamicSupervisorOptions,
  ChildSpec,
  ChildStart,
  ChildType,
  DynamicChildSpec,
  Shutdown,
  ChildCounts,
  ChildInfo,
  NodeOrContext,
  SupervisorRef,
  ChildExit,
  RestartDecision,
  RestartType,
  Strategy,
  IntensityCheck,
  IntensityLimits,
  SupervisorErrorReason,
} from './supervisor/index.js'
export {
  startCluster,
  Cluster,
  clusterDefaults,
  spawn,
  spawnLink,
  spawnMonitor,
  startLink,
  node,
  nodes,
  monitorNode,
  monitorNodes,
  demonitorNode,
  actorRef,
  Distribution,
  distributionDefaults,
  isNodeUpMessage,
  isNodeDownMessage,
  WorkerTransport,
  setCurrentDistribution,
  peekCurrentDistribution,
  NodeBootFailed,
  SpawnFailed,
} from './cluster/index.js'
export type { ClusterOptions, NodeStartOptions, ActorRef, ActorArgs, ActorPid, NodeUpMessage, NodeDownMessage, Transport } from './cluster/index.js'
/** @internal The node's thread entry, for the bundled build's `nodeMain.js`. */
export { runNode } from './cluster/runNode.js'
