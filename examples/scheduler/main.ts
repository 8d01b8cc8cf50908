/**
 * A scheduler on one node: a registry over an LMDB store, five user actors scheduling signed
 * messages for one AO process at the same time, then a read of the whole schedule and a check
 * of its signatures and hash chain, as a client of the scheduler would do.
 *
 *   pnpm tsx examples/scheduler/main.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { createNode, type Node, type Process } from '@troupe/core'
import {
  commit,
  createWallet,
  getSchedule,
  openLmdbStore,
  schedule,
  serverInfo,
  startRegistry,
  stopScheduler,
  verifySchedule,
  type AssignmentMessage,
  type Registry,
} from '@troupe/scheduler'

/** A user: an actor with its own wallet that signs and schedules `count` messages in turn. */
function spawnUser(node: Node, registry: Registry, procId: string, name: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    node.spawn(async (_ctx: Process) => {
      try {
        const wallet = await createWallet('ed25519')
        const slots: number[] = []
        for (let i = 0; i < count; i++) {
          const msg = await commit({ action: 'Eval', data: `${name} says ${i}` }, wallet)
          slots.push((await schedule(registry, procId, msg)).slot)
        }
        resolve(slots)
      } catch (err) {
        reject(err)
      }
    })
  })
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'troupe-scheduler-example-'))
const store = await openLmdbStore({ path: dir })
try {
  const node = createNode({ name: 'scheduler-example' })
  // Ed25519 for speed; leave `wallet` out to get an RSA-4096 wallet, as AO uses.
  const registry = await startRegistry(node, { store, wallet: await createWallet('ed25519') })
  const procId = createHash('sha256').update('example process').digest('base64url')

  const users = ['ada', 'grace', 'barbara', 'frances', 'margaret']
  const slots = await Promise.all(users.map((u) => spawnUser(node, registry, procId, u, 10)))
  users.forEach((u, i) => console.log(`${u.padEnd(9)} got slots ${slots[i]!.join(' ')}`))

  const all: AssignmentMessage[] = []
  for (;;) {
    const page = await getSchedule(registry, procId, { from: all.length })
    all.push(...page.assignments)
    if (!page.continues) break
  }
  const info = await serverInfo(registry, procId)
  const ok = verifySchedule(all, { signer: registry.getWallet().address })
  console.log(`process   ${procId} (mode ${info.mode})`)
  console.log(`slots     ${all[0]?.slot}..${all[all.length - 1]?.slot}, ${all.length} assignments`)
  console.log(`chain     ${info.hashChain}`)
  console.log(`verified  ${ok ? 'every signature and the hash chain from slot 0' : 'NO: the schedule does not verify'}`)
  await stopScheduler(registry, procId)
  if (!ok) process.exitCode = 1
} finally {
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
