/**
 * Core's dev bundle (devBundle.ts): what nodes run when the cluster runs from TypeScript
 * sources. Building and caching on a small source tree, then real nodes under vitest.
 */
import { cpSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorRef, startCluster, SpawnFailed, type Cluster } from '../src/index.js'
import { buildDevBundle, devBundleEnv } from '../src/cluster/devBundle.js'
import { probe } from './probe.js'
import type * as A from './fixtures/clusterActors.js'
import type * as D from './fixtures/deepImport.js'

describe('building the dev bundle', () => {
  let root: string
  let sources: URL
  let cache: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'troupe-devbundle-test-'))
    mkdirSync(join(root, 'src/cluster'), { recursive: true })
    sources = pathToFileURL(join(root, 'src') + '/')
    cache = join(root, 'cache')
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const write = (file: string, text: string) => writeFileSync(join(root, 'src', file), text)

  it('bundles index.ts with what it imports, once per content of the sources', async () => {
    write('index.ts', "export { answer } from './cluster/answer.js'\n")
    write('cluster/answer.ts', 'export const answer: number = 42\n')
    const first = await buildDevBundle(sources, cache)
    expect(first.index).toBe(new URL('index.ts', sources).href)
    expect(first.sources).toBe(sources.href)
    expect((await import(first.bundle)).answer).toBe(42)
    const builtAt = statSync(new URL(first.bundle)).mtimeMs
    const again = await buildDevBundle(sources, cache)
    expect(again.bundle).toBe(first.bundle)
    expect(statSync(new URL(again.bundle)).mtimeMs).toBe(builtAt)

    write('cluster/answer.ts', 'export const answer: number = 43\n')
    const changed = await buildDevBundle(sources, cache)
    expect(changed.bundle).not.toBe(first.bundle)
    expect((await import(changed.bundle)).answer).toBe(43)
  })

  it('keeps the bundles of two copies of the same sources apart (each points back at its own)', async () => {
    write('cluster/answer.ts', 'export const answer: number = 42\n')
    const copy = join(root, 'copy')
    cpSync(join(root, 'src'), copy, { recursive: true })
    const here = await buildDevBundle(sources, cache)
    const there = await buildDevBundle(pathToFileURL(copy + '/'), cache)
    expect(there.bundle).not.toBe(here.bundle)
    expect(there.index).toBe(pathToFileURL(join(copy, 'index.ts')).href)
  })

  it('rejects with esbuild\'s error when the sources do not build', async () => {
    write('cluster/answer.ts', 'export const answer: number = \n')
    await expect(buildDevBundle(sources, cache)).rejects.toThrow(/answer\.ts/)
    write('cluster/answer.ts', 'export const answer: number = 42\n')
  })

  it('removes entries unused for a week, and keeps recent ones', async () => {
    const old = join(cache, 'old-entry')
    const recent = join(cache, 'recent-entry')
    mkdirSync(old, { recursive: true })
    mkdirSync(recent, { recursive: true })
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000)
    utimesSync(old, weekAgo, weekAgo)
    write('cluster/answer.ts', 'export const answer: number = 44\n')
    await buildDevBundle(sources, cache)
    const left = readdirSync(cache)
    expect(left).not.toContain('old-entry')
    expect(left).toContain('recent-entry')
  })
})

describe('nodes running the dev bundle', () => {
  const fixtures = new URL('./fixtures/clusterActors.ts', import.meta.url)
  const coreSource = actorRef<typeof A.coreSource>(fixtures, 'coreSource')
  const deep = actorRef<typeof D.deep>(new URL('./fixtures/deepImport.ts', import.meta.url), 'deep')
  const coreIndex = new URL('../src/index.ts', import.meta.url).href
  let c: Cluster
  beforeAll(async () => {
    c = await startCluster({ nodes: 1 })
  })
  afterAll(() => c.stop())

  it("gives an actor's import of core the node's own copy", async () => {
    const p = await probe(c.node)
    await c.spawn('node1', coreSource, [p.pid])
    const { url, node } = (await p.next()) as { url: string; node: string }
    expect(url).toMatch(/\/core\.mjs$/)
    expect(url).not.toBe(coreIndex)
    // The actor's copy is the one the node runs: it knows which node it is on.
    expect(node).toBe('node1')
  })

  it('refuses a second copy of one of core\'s modules, naming it', async () => {
    const err = await c.spawn('node1', deep, []).catch((e: unknown) => e)
    expect(SpawnFailed.is(err)).toBe(true)
    expect(String((err as Error).message)).toMatch(/src\/pid\.ts cannot be imported on a worker-thread node.*import core's index/)
  })

  it(`loads core module by module with ${devBundleEnv}=off`, async () => {
    process.env[devBundleEnv] = 'off'
    try {
      const name = await c.startNode()
      const p = await probe(c.node)
      await c.spawn(name, coreSource, [p.pid])
      expect(await p.next()).toEqual({ url: coreIndex, node: name })
      await c.stopNode(name)
    } finally {
      delete process.env[devBundleEnv]
    }
  })
})
