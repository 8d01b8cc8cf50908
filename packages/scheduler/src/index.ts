/**
 * @troupe/scheduler — AO-process schedulers for troupe: the message model (commit/id/verify),
 * assignment stores, and one scheduler server (an xstate actor in a troupe process) per AO
 * process, found through a node-local registry.
 */
export {
  AssignmentFailed,
  InvalidAssignment,
  InvalidMessage,
  InvalidOption,
  InvalidProcessId,
  InvalidWallet,
  RegistryNotStarted,
  SchedulerNotFound,
  SchedulerStopped,
  SchedulerTimeout,
  SchedulingDisabled,
  SlotConflict,
  StoreClosed,
  UnknownSchedulingMode,
  UnverifiedMessage,
} from './errors.js'
export {
  addressOf,
  createWallet,
  exportWallet,
  importWallet,
  sign,
  signSync,
  verifySignature,
  verifySignatureAsync,
} from './wallet.js'
export { signBatched } from './signWorker.js'
export type { ExportedWallet, PublicKeyInput, Wallet, WalletType } from './wallet.js'
export { COMMITMENTS, commitmentsOf, committedView, contentKeys, deviceOf, isMessage, isSigned } from './message.js'
export type { Commitment, CommitmentDevice, Commitments, Message, Value } from './message.js'
export { canonicalBytes, hmacId, id, isProcessId, signatureId } from './id.js'
export type { IdSpec } from './id.js'
export { commit, commitSync, commitUnsigned } from './commit.js'
export { verify, verifyAsync } from './verify.js'
export { nextHashChain, verifyHashChain } from './hashChain.js'
export type { ChainLink } from './hashChain.js'
export { nextAssignment } from './assignment.js'
export type { Assignment, SignedFields } from './assignment.js'
export type { AssignmentStore, Latest } from './store.js'
export { createMemoryStore } from './memoryStore.js'
export type { FailWrite, MemoryStore, MemoryStoreOptions } from './memoryStore.js'
export { openLmdbStore, lmdbStoreDefaults } from './lmdbStore.js'
export type { LmdbStoreOptions } from './lmdbStore.js'
export { toAssignmentMessage, zeroBlock } from './assignmentMessage.js'
export type { AssignmentMessage, BlockInfo, BlockInfoProvider } from './assignmentMessage.js'
export type { Signer } from './commit.js'
export { schedulingModes } from './schedulingMode.js'
export type { SchedulingMode } from './schedulingMode.js'
export { createRegistry, startRegistry, registryDefaults, serverName } from './registry.js'
export type { Registry, RegistryOptions, ServerOptions } from './registry.js'
export type { Publisher, ServerInfo } from './schedulerServer.js'
export { schedule, getSchedule, slot, serverInfo, stopScheduler, maxPageSize } from './client.js'
export type { ScheduleOptions, ScheduleRange, SchedulePage, SlotInfo } from './client.js'
export { verifySchedule } from './verifySchedule.js'
