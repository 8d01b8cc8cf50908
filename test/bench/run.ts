/**
 * `pnpm bench`: runs every benchmark and writes bench-results.json at the repository root,
 * mapping each metric to { value, unit } plus { ratio, vs } where it is compared with a
 * baseline measured in the same run. `pnpm bench core` runs one group.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { createRecorder, gc, type Result } from './harness.js'
import { benchCore } from './core.js'
import { benchPolicy } from './policy.js'
import { benchCluster } from './cluster.js'
import { benchScheduler } from './scheduler.js'
import { benchPool } from './pool.js'
import { benchNats } from './nats.js'
import { goals } from './goals.js'

const groups: { [name: string]: (record: ReturnType<typeof createRecorder>) => Promise<void> } = {
  core: benchCore,
  policy: benchPolicy,
  cluster: benchCluster,
  pool: benchPool,
  scheduler: benchScheduler,
  nats: benchNats,
}

const only = process.argv.slice(2)
for (const g of only) if (!(g in groups)) {
  console.error(`unknown bench group "${g}" (known: ${Object.keys(groups).join(', ')})`)
  process.exit(2)
}
if ((globalThis as { gc?: unknown }).gc === undefined) console.log('note: run with --expose-gc for exact memory figures')

const out = fileURLToPath(new URL('../../bench-results.json', import.meta.url))
// A partial run keeps the figures of the groups it did not run.
const results: { [name: string]: Result } = only.length > 0 && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {}
const record = createRecorder(results, goals)
console.log(`troupe bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`)
for (const [name, run] of Object.entries(groups)) {
  if (only.length > 0 && !only.includes(name)) continue
  gc()
  await run(record)
}
writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
console.log(`wrote ${out}`)
