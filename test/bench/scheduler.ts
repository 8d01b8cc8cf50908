/**
 * Benchmarks of @troupe/scheduler: raw parallel RSA signing (the ceiling of an RSA scheduler),
 * assignments per second in local_confirmation on a durable LMDB store with 200 concurrent
 * clients of one process (RSA and Ed25519), restart of a server over 100k stored assignments,
 * and one page of getSchedule. About 25 s in all.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { createNode } from '@troupe/core'
import {
  createWallet,
  getSchedule,
  nextAssignment,
  openLmdbStore,
  schedule,
  sign,
  startRegistry,
  stopScheduler,
  type Assignment,
  type AssignmentStore,
  type Registry,
  type Wallet,
} from '@troupe/scheduler'
import { median, type Record } from './harness.js'

const CONCURRENCY = 200
const procId = (s: string) => createHash('sha256').update(s).digest('base64url')

/** Runs `op` from `CONCURRENCY` loops for `ms` (after `warmupMs`); returns completions per second. */
async function rate(ms: number, warmupMs: number, op: () => Promise<unknown>): Promise<number> {
  let counting = false
  let stop = false
  let done = 0
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (!stop) {
      await op()
      if (counting) done++
    }
  })
  await new Promise((r) => setTimeout(r, warmupMs))
  counting = true
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, ms))
  counting = false
  const dt = performance.now() - t0
  stop = true
  await Promise.all(loops)
  return done / (dt / 1000)
}

/** Signatures per second, `CONCURRENCY` in flight on libuv's threadpool (every core). */
async function rawSign(wallet: Wallet, ms: number): Promise<number> {
  const bytes = new Uint8Array(512).fill(7)
  return rate(ms, 500, () => sign(wallet, bytes))
}

async function assignRate(wallet: Wallet, dir: string, id: string, ms: number): Promise<number> {
  const store = await openLmdbStore({ path: dir })
  const registry = await startRegistry(createNode(), { store, wallet })
  let n = 0
  const r = await rate(ms, 500, () => schedule(registry, id, { action: 'Eval', data: `message ${n++}`, target: id }))
  await stopScheduler(registry, id)
  await store.close()
  return r
}

/** Fills `id` with `n` chained records in big batches (unsigned: only the last one is read on recovery). */
async function fill(store: AssignmentStore, id: string, n: number): Promise<void> {
  let prev: Assignment | undefined
  for (let i = 0; i < n; i += 5000) {
    const batch: Assignment[] = []
    for (let j = i; j < Math.min(n, i + 5000); j++) batch.push((prev = nextAssignment(prev, id, { action: 'Eval', data: `m${j}` }, 1_700_000_000_000 + j)))
    await store.write(id, batch)
  }
}

/** ms from `find` of a stopped process to its first answer (aggressive: no write on the path). */
async function recover(registry: Registry, id: string): Promise<number> {
  const t0 = performance.now()
  registry.find(id, { type: 'Process' }, { mode: 'aggressive' })
  await schedule(registry, id, { action: 'Ping' })
  const dt = performance.now() - t0
  await stopScheduler(registry, id)
  return dt
}

export async function benchScheduler(record: Record): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'troupe-bench-scheduler-'))
  try {
    const [rsa, ed] = await Promise.all([createWallet('rsa'), createWallet('ed25519')])
    const raw = await rawSign(rsa, 3000)
    record('raw.rsa_sign_parallel', raw, 'signs/s')
    const rsaRate = await assignRate(rsa, path.join(root, 'rsa'), procId('rsa'), 4000)
    record('scheduler.assign_rsa', rsaRate, 'assignments/s', { name: 'raw.rsa_sign_parallel', value: raw })
    const edDir = path.join(root, 'ed25519')
    const edId = procId('ed25519')
    // Not asked for: the ceiling of an Ed25519 scheduler here, since signing is most of its work.
    // (libuv's pool on every core; the scheduler signs Ed25519 on one worker thread, see signWorker.ts.)
    const rawEd = await rawSign(ed, 2000)
    record('raw.ed25519_sign_parallel', rawEd, 'signs/s')
    record('scheduler.assign_ed25519', await assignRate(ed, edDir, edId, 4000), 'assignments/s', { name: 'raw.ed25519_sign_parallel', value: rawEd })

    const store = await openLmdbStore({ path: edDir })
    const registry = await startRegistry(createNode(), { store, wallet: ed })
    const big = procId('100k')
    await fill(store, big, 100_000)
    await recover(registry, big) // warm-up
    const recoveries: number[] = []
    for (let i = 0; i < 5; i++) recoveries.push(await recover(registry, big))
    record('scheduler.recover_100k_ms', median(recoveries), 'ms')

    // Signed assignments made by the Ed25519 run above: a page of real records.
    const pages: number[] = []
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now()
      const page = await getSchedule(registry, edId, { from: 1000 * (i + 1) })
      pages.push(performance.now() - t0)
      if (page.assignments.length !== 1000) throw new Error(`short page: ${page.assignments.length}`)
    }
    record('scheduler.get_schedule_1000_ms', median(pages.slice(1)), 'ms')
    await store.close()
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}
