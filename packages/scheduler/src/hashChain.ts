import { sha256 } from './id.js'

/**
 * The hash chain after assigning a message: base64url(sha256(prev || ascii(bodyIdAll))),
 * where `prev` is the previous chain decoded from base64url, and empty for slot 0.
 * It commits the scheduler to the whole order of a process's messages so far.
 */
export function nextHashChain(prev: string | undefined, bodyIdAll: string): string {
  // One buffer and a one-shot hash: every assignment takes this step on the server's thread.
  const buf = Buffer.allocUnsafe((prev === undefined ? 0 : Math.ceil((prev.length * 3) / 4)) + bodyIdAll.length)
  const n = prev === undefined ? 0 : buf.write(prev, 0, 'base64url')
  const end = n + buf.write(bodyIdAll, n, 'latin1')
  return sha256(buf.subarray(0, end)).toString('base64url')
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
