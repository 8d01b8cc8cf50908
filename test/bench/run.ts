/**
 * `pnpm bench`: runs every benchmark and writes bench-results.json at the repository root,
 * mapping each metric to { value, unit } plus { ratio, vs } where it is compared with a
 * baseline measured in the same run. `pnpm bench core` runs one group.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
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

const out = fileURLToPath(new URL('../../bench-results.json', import.meta.url))

if (only.length === 0) {
  // Each group in a fresh process: a group that leaves a large heap behind (a million
  // processes) must not slow the next one down. Each run merges its figures into the file.
  console.log(`troupe bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`)
  writeFileSync(out, '{}\n')
  for (const g of Object.keys(groups)) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), g], { stdio: ['ignore', 'pipe', 'inherit'] })
    process.stdout.write(r.stdout.toString().split('\n').filter((l) => !l.startsWith('troupe bench on') && !l.startsWith('wrote ')).join('\n'))
    if (r.status !== 0) process.exit(r.status ?? 1)
  }
  console.log(`wrote ${out}`)
} else {
  if ((globalThis as { gc?: unknown }).gc === undefined) console.log('note: run with --expose-gc for exact memory figures')
  // A partial run keeps the figures of the groups it did not run.
  const results: { [name: string]: Result } = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {}
  const record = createRecorder(results, goals)
  console.log(`troupe bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`)
  for (const name of only) {
    gc()
    await groups[name]!(record)
  }
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
  console.log(`wrote ${out}`)
}
