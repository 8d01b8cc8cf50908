import { createNode } from '@troupe/core'
import { createWallet, createMemoryStore, createRegistry, schedule, getSchedule, verifySchedule, serverInfo, openLmdbStore } from './src/index.js'
import os from 'node:os'; import fs from 'node:fs'; import path from 'node:path'
const node = createNode()
const wallet = await createWallet('ed25519')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sch-'))
const store = process.argv[2] === 'mem' ? createMemoryStore() : await openLmdbStore({ path: dir })
const { signSync } = await import('./src/wallet.js'); const reg = createRegistry(node, { store, wallet, ...(process.env.SYNC ? { sign: async (w, b) => signSync(w, b) } : {}) })
const P = 'p'.repeat(42) + 'A'
const a = await schedule(reg, P, { action: 'Eval', data: 'hi' })
console.log(a.slot, a['hash-chain'])
console.log(await serverInfo(reg, P))
const N = Number(process.argv[3] ?? 20000), C = 200
let next = 0
const t = performance.now(); const cpu0 = process.cpuUsage(); const elu0 = performance.eventLoopUtilization()
await Promise.all(Array.from({ length: C }, async () => { while (next < N) { next++; await schedule(reg, P, { action: 'Eval', data: 'x'.repeat(100) }) } }))
const dt = performance.now() - t
const cpu = process.cpuUsage(cpu0); const elu = performance.eventLoopUtilization(elu0)
console.log('assign/s', (N / dt * 1000) | 0, 'cpu us/assign', ((cpu.user + cpu.system) / N).toFixed(1), 'main busy us/assign', (elu.active * 1000 / N).toFixed(1), 'elu', elu.utilization.toFixed(2))
const page = await getSchedule(reg, P, { from: 0 })
console.log(page.assignments.length, page.continues, verifySchedule(page.assignments))
console.log(await serverInfo(reg, P))
await store.close()
fs.rmSync(dir, { recursive: true })
