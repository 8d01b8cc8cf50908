import { createHash } from 'node:crypto'

/**
 * The hash chain after assigning a message: base64url(sha256(prev || ascii(bodyIdAll))),
 * where `prev` is the previous chain decoded from base64url, and empty for slot 0.
 * It commits the scheduler to the whole order of a process's messages so far.
 */
export function nextHashChain(prev: string | undefined, bodyIdAll: string): string {
  const h = createHash('sha256')
  if (prev !== undefined) h.update(Buffer.from(prev, 'base64url'))
  return h.update(bodyIdAll, 'ascii').digest('base64url')
}

/** The fields of an assignment the chain is made of. */
export interface ChainLink {
  readonly slot: number
  readonly message: string
  readonly hashChain: string
}

/**
 * Checks that `links` are consecutive slots, each chained to the one before. Without `after`
 * the sequence must start at slot 0; with it, right after that link (to check one page).
 */
export function verifyHashChain(
  links: readonly ChainLink[],
  after?: { readonly slot: number; readonly hashChain: string },
): boolean {
  let slot = after === undefined ? 0 : after.slot + 1
  let chain = after?.hashChain
  for (const link of links) {
    if (link.slot !== slot || link.hashChain !== nextHashChain(chain, link.message)) return false
    chain = link.hashChain
    slot++
  }
  return true
}
