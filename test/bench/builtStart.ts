/**
 * Node start from built JavaScript: @troupe/core is compiled into a temporary directory and a
 * plain-node script (no tsx) measures a bare .mjs worker start and a cluster node start.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Record } from './harness.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

const script = `
import { Worker } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { startCluster } from './core/index.js'
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1] }
const bare = new URL('./bare.mjs', import.meta.url)
async function bareStart() {
  const t0 = performance.now()
  const w = new Worker(bare)
  await new Promise((r) => w.once('message', r))
  const dt = performance.now() - t0
  await w.terminate()
  return dt
}
const c = await startCluster({ nodes: 0 })
async function nodeStart() {
  const t0 = performance.now()
  const n = await c.startNode()
  const dt = performance.now() - t0
  await c.stopNode(n)
  return dt
}
await bareStart(); await nodeStart()
const raw = [], node = []
for (let i = 0; i < 15; i++) { raw.push(await bareStart()); node.push(await nodeStart()) }
await c.stop()
console.log(JSON.stringify({ raw: median(raw), node: median(node) }))
`

export function benchBuiltStart(record: Record): void {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-built-bench-'))
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), join(dir, 'core')], { stdio: 'pipe' })
    writeFileSync(join(dir, 'bare.mjs'), `import { parentPort } from 'node:worker_threads'\nparentPort.postMessage('ready')\n`)
    writeFileSync(join(dir, 'main.mjs'), script)
    const out = execFileSync(process.execPath, [join(dir, 'main.mjs')], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } }).toString()
    const { raw, node } = JSON.parse(out.trim().split('\n').pop()!) as { raw: number; node: number }
    record('raw.worker_start_js_ms', raw, 'ms')
    record('cluster.node_start_js_ms', node, 'ms', { name: 'raw.worker_start_js_ms', value: raw })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
