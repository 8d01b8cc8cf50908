import { createWallet, commit, id, nextAssignment, sign, canonicalBytes, hmacId } from './src/index.js'
const w = await createWallet('ed25519')
const P = 'p'.repeat(42) + 'A'
const body = { action: 'Eval', data: 'x'.repeat(100), target: P }
const N = 20000
let t = performance.now()
for (let i = 0; i < N; i++) id(body, 'all')
console.log('id all/s', (N / (performance.now() - t) * 1000) | 0)
const msg = { path: 'compute', 'data-protocol': 'ao', variant: 'ao.N.1', process: P, epoch: '0', slot: 5, 'block-height': 0, 'block-hash': '', 'block-timestamp': 0, timestamp: Date.now(), 'hash-chain': 'abc', body }
t = performance.now()
for (let i = 0; i < N; i++) canonicalBytes(msg)
console.log('canonical/s', (N / (performance.now() - t) * 1000) | 0)
t = performance.now()
const ps = []
let inflight = 0
for (let i = 0; i < N; i++) ps.push(commit(msg, w))
await Promise.all(ps)
console.log('commit/s', (N / (performance.now() - t) * 1000) | 0)
t = performance.now()
const b = canonicalBytes(msg)
const ps2 = []
for (let i = 0; i < N; i++) ps2.push(sign(w, b))
await Promise.all(ps2)
console.log('sign async/s', (N / (performance.now() - t) * 1000) | 0)
