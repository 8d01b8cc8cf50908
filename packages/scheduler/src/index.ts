export {
  InvalidAssignment,
  InvalidMessage,
  InvalidOption,
  InvalidProcessId,
  InvalidWallet,
  SlotConflict,
  StoreClosed,
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
export type { Assignment } from './assignment.js'
export type { AssignmentStore, Latest } from './store.js'
export { createMemoryStore } from './memoryStore.js'
export type { FailWrite, MemoryStore, MemoryStoreOptions } from './memoryStore.js'
export { openLmdbStore } from './lmdbStore.js'
export type { LmdbStoreOptions } from './lmdbStore.js'
