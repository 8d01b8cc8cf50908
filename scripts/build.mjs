// Builds @troupe/core to JavaScript (`pnpm build`, or `node scripts/build.mjs [outDir]`):
// - tsc emits every module with its declarations;
// - esbuild then bundles the package into one `index.js` (replacing tsc's), because a worker
//   node loading ~25 separate modules spent 17 ms of a 40 ms start on it; the node's entry is a
//   two-line `nodeMain.js` importing that bundle, so actors and the node share one copy of
//   core's classes (instanceof on envelopes and results must hold);
// - the plain `.mjs` files tsc does not copy (the worker boot file) go beside the bundle.
import { execFileSync } from 'node:child_process'
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'packages/core/src')
const out = process.argv[2] ?? join(root, 'packages/core/dist')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'packages/core/tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' })
await build({
  entryPoints: [join(src, 'index.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  allowOverwrite: true,
  // Parsing is most of a node's start: drop comments and whitespace, keep every name (stack
  // traces and error tags stay readable; the linked source map maps them back).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
})
// The bundle finds its node entry and boot file next to itself (import.meta.url is index.js).
writeFileSync(join(out, 'nodeMain.js'), "import { runNode } from './index.js'\n\nawait runNode()\n")
cpSync(join(src, 'cluster/boot.mjs'), join(out, 'boot.mjs'))
cpSync(join(src, 'cluster/boot.mjs'), join(out, 'cluster/boot.mjs'))
