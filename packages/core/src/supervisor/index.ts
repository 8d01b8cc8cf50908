/**
 * Supervision trees, local part: OTP's `supervisor` and Elixir's `DynamicSupervisor`, and
 * the two pure rules they apply (restart decision, restart intensity).
 */
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
} from './supervisor.js'
export type { SupervisorOptions } from './supervisor.js'
export {
  startDynamicSupervisor,
  dynamicSupervisorChild,
  startDynamicChild,
  terminateDynamicChild,
  dynamicSupervisorDefaults,
} from './dynamicSupervisor.js'
export type { DynamicSupervisorOptions } from './dynamicSupervisor.js'
export { childSpecDefaults } from './childSpec.js'
export type { ChildSpec, ChildStart, ChildType, DynamicChildSpec, Shutdown } from './childSpec.js'
export type { ChildCounts, ChildInfo, NodeOrContext, SupervisorRef } from './protocol.js'
export { decideRestart, affectedChildren, isCleanExit } from './restartDecision.js'
export type { ChildExit, RestartDecision, RestartType, Strategy } from './restartDecision.js'
export { checkRestartIntensity } from './restartIntensity.js'
export type { IntensityCheck, IntensityLimits } from './restartIntensity.js'
export { ChildStartFailed, SupervisorError, MaxChildren } from './errors.js'
export type { SupervisorErrorReason } from './errors.js'
