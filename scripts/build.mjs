// Builds @troupe/core to JavaScript: tsc for the TypeScript, then the plain JavaScript files
// tsc does not copy (the worker boot file). `node scripts/build.mjs [outDir]`.
import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'packages/core/src')
const out = process.argv[2] ?? join(root, 'packages/core/dist')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'packages/core/tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' })
for (const f of walk(src)) if (f.endsWith('.mjs')) cpSync(f, join(out, relative(src, f)))

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else yield p
  }
}

