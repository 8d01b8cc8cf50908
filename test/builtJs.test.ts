/**
 * troupe from built JavaScript: @troupe/core compiled by `pnpm build`'s script into a temporary
 * directory, then a program run by plain `node` (no tsx anywhere) starts a cluster and
 * spawns a JavaScript actor on a worker-thread node by module URL.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-built-'))
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), join(dir, 'core')], { stdio: 'pipe' })
  writeFileSync(
    join(dir, 'actors.js'),
    `export async function doubler(ctx) {
  for (;;) {
    const m = await ctx.receive()
    ctx.send(m.from, { n: m.n * 2, node: ctx.node.name, setup: globalThis.setupSaw })
  }
}
`,
  )
  // Setup modules that import core while the node's thread is still evaluating it.
  writeFileSync(join(dir, 'setupOk.js'), `import { clusterDefaults } from './core/index.js'\nglobalThis.setupSaw = typeof clusterDefaults\n`)
  writeFileSync(join(dir, 'setupThrows.js'), `import './core/index.js'\nthrow new Error('setup refused')\n`)
  writeFileSync(
    join(dir, 'main.mjs'),
    `import { actorRef, startCluster, NodeBootFailed } from './core/index.js'
const cluster = await startCluster({ nodes: 2, nodeDefaults: { setup: new URL('./setupOk.js', import.meta.url).href } })
try {
  await cluster.startNode({ setup: new URL('./setupThrows.js', import.meta.url).href })
} catch (e) {
  console.log('boot failed:', NodeBootFailed.is(e), String(e.message))
}
const pid = await cluster.spawn('node2', actorRef(new URL('./actors.js', import.meta.url), 'doubler'))
const answer = await new Promise((resolve) => {
  cluster.node.spawn(async (ctx) => {
    ctx.send(pid, { from: ctx.self, n: 21 })
    resolve(await ctx.receive())
  })
})
console.log(JSON.stringify(answer))
await cluster.stop()
console.log('threads left:', cluster.threads())
`,
  )
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('runs a cluster and a remote JavaScript actor with plain node', async () => {
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    // No --import tsx, and an environment without NODE_OPTIONS: nothing may load TypeScript.
    const env = { ...process.env, NODE_OPTIONS: '' }
    execFile(process.execPath, [join(dir, 'main.mjs')], { cwd: dir, env, timeout: 30_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    )
  })
  expect(code, out).toBe(0)
  expect(out).toMatch(/\{"n":42,"node":"node2","setup":"object"\}/)
  expect(out).toMatch(/boot failed: true .*setup refused/)
  expect(out).toMatch(/threads left: 0/)
}, 60_000)
