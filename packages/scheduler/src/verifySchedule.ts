import type { AssignmentMessage } from './assignmentMessage.js'
import { verifyHashChain } from './hashChain.js'
import { id } from './id.js'
import { commitmentsOf, isSigned } from './message.js'
import { verify } from './verify.js'

/**
 * Checks a run of assignments as a client would: each is signed (by `signer`'s address when
 * given) and its signatures verify, all belong to one process, and the hash chain links them
 * slot by slot from 0, or from `after` (the assignment before the run, to check one page).
 */
export function verifySchedule(
  assignments: readonly AssignmentMessage[],
  options: { readonly after?: AssignmentMessage; readonly signer?: string } = {},
): boolean {
  const process = options.after?.process ?? assignments[0]?.process
  for (const a of assignments) {
    if (a.process !== process || !verify(a)) return false
    const signers = Object.values(commitmentsOf(a)).filter(isSigned)
    if (signers.length === 0 || (options.signer !== undefined && !signers.some((c) => c.committer === options.signer))) return false
  }
  const links = assignments.map((a) => ({ slot: a.slot, message: id(a.body, 'all'), hashChain: a['hash-chain'] }))
  const after = options.after === undefined ? undefined : { slot: options.after.slot, hashChain: options.after['hash-chain'] }
  return verifyHashChain(links, after)
}
