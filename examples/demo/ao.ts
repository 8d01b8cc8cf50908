/**
 * The demo's AO part: a scheduler registry on the main node over an LMDB store; many actors
 * schedule signed messages for one AO process at once; then the whole schedule is read back
 * and its signatures and hash chain verified, as a client would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Node, Process } from '@troupe/core'
import { commit, createWallet, getSchedule, openLmdbStore, schedule, startRegistry, verifySchedule, type AssignmentMessage } from '@troupe/scheduler'

export interface AoResult {
  process: string
  first: number
  last: number
  count: number
  verified: boolean
  hashChain: string
}

export async function runScheduler(node: Node, actors: number, perActor: number): Promise<AoResult> {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-demo-ao-'))
  const store = await openLmdbStore({ path: dir })
  try {
    const registry = await startRegistry(node, { store, walletType: 'ed25519' })
    const procId = randomBytes(32).toString('base64url')
    await Promise.all(
      Array.from(
        { length: actors },
        (_, a) =>
          new Promise<void>((resolve, reject) => {
            node.spawn(async (_ctx: Process) => {
              try {
                const wallet = await createWallet('ed25519')
                for (let i = 0; i < perActor; i++) await schedule(registry, procId, await commit({ action: 'Tick', from: `actor-${a}`, n: String(i) }, wallet))
                resolve()
              } catch (e) {
                reject(e)
              }
            })
          }),
      ),
    )
    const all: AssignmentMessage[] = []
    for (let from = 0; ; ) {
      const page = await getSchedule(registry, procId, { from })
      all.push(...page.assignments)
      if (!page.continues) break
      from = all.length
    }
    const last = all[all.length - 1]!
    return { process: procId, first: all[0]!.slot, last: last.slot, count: all.length, verified: verifySchedule(all), hashChain: last['hash-chain'] }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
