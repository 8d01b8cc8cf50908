// Builds @troupe/core to JavaScript (`pnpm build`, or `node scripts/build.mjs [outDir]`):
// - tsc emits every module with its declarations;
// - esbuild then bundles the package into `index.js` (replacing tsc's) and the node entry
//   `nodeMain.js`, with the code both use in one shared chunk, `kernel.js`, where a node's
//   thread starts (nodeMain.js stays as a plain entry), because a worker node loading
//   ~25 separate modules spent 17 ms of a 40 ms start on it; one chunk keeps one copy of
//   core's classes for actors and the node (instanceof on envelopes and results must hold);
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
  // Two entries sharing chunks: a node's thread loads only what runNode needs (about two
  // thirds of core); the rest (supervisors, the cluster's parent side) loads when an actor
  // imports the package. Shared chunks keep one copy of every class for both.
  entryPoints: { index: join(src, 'index.ts'), nodeMain: join(src, 'cluster/nodeMain.ts') },
  outdir: out,
  splitting: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  allowOverwrite: true,
  // One shared chunk with a fixed name: a node's thread starts at it (see runNode.ts), so
  // the cluster's code in index.js is told where it is.
  chunkNames: 'kernel',
  define: { TROUPE_NODE_CHUNK: JSON.stringify('./kernel.js') },
  // Parsing is most of a node's start: drop comments and whitespace, keep every name (stack
  // traces and error tags stay readable; the linked source map maps them back).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
})
// The bundle finds its node entry and boot file next to itself (import.meta.url is index.js).
cpSync(join(src, 'cluster/boot.mjs'), join(out, 'boot.mjs'))
cpSync(join(src, 'cluster/boot.mjs'), join(out, 'cluster/boot.mjs'))
// The output is ES modules wherever it is copied: without a `"type": "module"` scope, Node 20
// first parses every .js file as CommonJS, fails, and parses it again as ESM (syntax
// detection), which made a built node's start 1.2-1.3x a bare worker's instead of 1.1x.
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n')
