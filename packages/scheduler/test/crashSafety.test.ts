import { fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createNode } from '@troupe/core'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssignmentMessage } from '../src/assignmentMessage.js'
import { getSchedule, schedule } from '../src/client.js'
import { openLmdbStore } from '../src/lmdbStore.js'
import { startRegistry } from '../src/registry.js'
import { verifySchedule } from '../src/verifySchedule.js'
import { edWallet, procId } from './harness.js'

const fixture = fileURLToPath(new URL('./fixtures/crashServer.ts', import.meta.url))
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'troupe-crash-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

interface Ack {
  slot: number
  hashChain: string
  n: number
}

/** Runs the fixture until it has acknowledged `killAfter` assignments, then SIGKILLs it. */
function runAndKill(store: string, id: string, killAfter: number, inlineCommitMin: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const acks: Ack[] = []
    const child = fork(fixture, [store, id, '100000', '64', String(inlineCommitMin)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.on('message', (m: Partial<Ack> & { done?: boolean }) => {
      if (m.slot === undefined) return
      acks.push(m as Ack)
      if (acks.length === killAfter) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acks) : reject(new Error(`fixture exited with ${code}`))))
  })
}

/** Every assignment of `id`, page by page. */
async function readAll(registry: Parameters<typeof getSchedule>[0], id: string): Promise<AssignmentMessage[]> {
  const all: AssignmentMessage[] = []
  for (;;) {
    const page = await getSchedule(registry, id, { from: all.length })
    all.push(...page.assignments)
    if (!page.continues) return all
  }
}

describe('crash safety (local_confirmation on LMDB)', () => {
  // Both ways an LMDB store commits (see LmdbStoreOptions.inlineCommitMin), each alone.
  it.each([
    ['inline', 0],
    ['on the write thread', Infinity],
  ])('keeps every acknowledged assignment across kill -9, dense, chained, never reused (commits %s)', async (how, inlineCommitMin) => {
    const dir = path.join(root, `db-${how}`)
    const id = procId('crash')
    const first = await runAndKill(dir, id, 2000, inlineCommitMin)
    const second = await runAndKill(dir, id, 500, inlineCommitMin) // a restart that recovers, then dies again
    const acked = [...first, ...second]

    const store = await openLmdbStore({ path: dir })
    const registry = await startRegistry(createNode(), { store, wallet: await edWallet() })
    const next = await schedule(registry, id, { after: 'restart' })
    const all = await readAll(registry, id)
    await store.close()

    expect(all.map((a) => a.slot)).toEqual(Array.from({ length: all.length }, (_, i) => i))
    expect(verifySchedule(all)).toBe(true)
    for (const ack of acked) {
      expect(all[ack.slot]?.['hash-chain']).toBe(ack.hashChain)
      expect(all[ack.slot]?.body['n']).toBe(ack.n)
    }
    // No slot acknowledged twice: the second run started after the first run's last durable slot.
    expect(new Set(acked.map((a) => a.slot)).size).toBe(acked.length)
    expect(Math.min(...second.map((a) => a.slot))).toBeGreaterThan(Math.max(...first.map((a) => a.slot)))
    expect(next.slot).toBe(all.length - 1)
    expect(all[all.length - 1]!.body).toEqual({ after: 'restart' })
  })
})
