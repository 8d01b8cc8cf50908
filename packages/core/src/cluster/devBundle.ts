/**
 * Running from TypeScript sources, a worker-thread node loads core as one bundle, built
 * with esbuild on the first start and kept in a cache keyed by the sources' contents (the
 * way Vite pre-bundles dependencies). Why: under tsx, every module costs a worker one or
 * more round trips to tsx's loader thread. Core's ~30 modules on a node's boot path took
 * 40-50 ms of a 190 ms start (1.25x a bare tsx worker); one bundle takes about 10.
 * The thread still registers tsx, for the user's own TypeScript modules, and
 * devBundleHooks.mjs sends their imports of core's index to the bundle, so a node has one
 * copy of core. Built JavaScript never comes here: its node starts at the build's chunk.
 * @internal
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** What boot.mjs needs: the bundle, and the source module it stands for. */
export interface DevBundle {
  /** file: URL of core's `index.ts`: imports resolving to it get the bundle instead. */
  readonly index: string
  /** file: URL of the bundle. */
  readonly bundle: string
  /** file: URL of core's sources directory (with a trailing slash): no other module under it may load beside the bundle. */
  readonly sources: string
}

/** Set `TROUPE_DEV_BUNDLE=off` to have nodes load core module by module, as before (debugging the loader path). */
export const devBundleEnv = 'TROUPE_DEV_BUNDLE'

// Changes when the way of building changes, so an older cache entry is never taken for a new one.
const FORMAT = 'troupe-dev-bundle/1'
// Cache entries of sources nobody has run for this long are removed, as tsx does with its own.
const MAX_AGE_MS = 7 * 24 * 3600_000

let cached: Promise<DevBundle | null> | null = null

/**
 * The bundle of the sources at `sourcesUrl` (core's `src/`), built once per content and
 * shared by every process through the cache; null when nodes should load the sources
 * themselves: turned off, or the bundle could not be built (the sources' own error then
 * shows when the node imports them).
 */
export function devBundle(sourcesUrl: URL): Promise<DevBundle | null> {
  if (process.env[devBundleEnv] === 'off') return Promise.resolve(null)
  return (cached ??= buildDevBundle(sourcesUrl, defaultCacheDir()).catch((e: unknown) => {
    process.emitWarning(`troupe: nodes load core from its sources, module by module: the dev bundle failed (${e instanceof Error ? e.message : String(e)})`)
    return null
  }))
}

function defaultCacheDir(): string {
  return join(tmpdir(), `troupe-dev-bundle-${process.getuid?.() ?? 'user'}`)
}

/** Builds (or finds) the bundle of `sourcesUrl/index.ts` in `cacheDir`. Exported for tests. */
export async function buildDevBundle(sourcesUrl: URL, cacheDir: string): Promise<DevBundle> {
  const sources = fileURLToPath(sourcesUrl)
  // The sources' place is part of the key: the bundle points back at it (source map, boot.mjs).
  const dir = join(cacheDir, sourcesHash(sources))
  const file = join(dir, 'core.mjs')
  const found: DevBundle = { index: new URL('index.ts', sourcesUrl).href, bundle: pathToFileURL(file).href, sources: sourcesUrl.href }
  if (existsSync(file)) {
    // In use: keeps it from being pruned as old by another process.
    const now = new Date()
    utimesSync(dir, now, now)
    return found
  }
  const { build } = await import('esbuild')
  const out = await build({
    entryPoints: [join(sources, 'index.ts')],
    outfile: file,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The cluster's code finds boot.mjs and the tsx loader from where its sources are,
    // not from the cache, so a node may start nodes of its own.
    define: { TROUPE_CLUSTER_URL: JSON.stringify(new URL('cluster/cluster.ts', sourcesUrl).href) },
    // tsx turns source maps on in the thread: stack traces point into the TypeScript sources.
    sourcemap: 'linked',
    logLevel: 'silent',
  })
  mkdirSync(dir, { recursive: true })
  // Another process may build the same entry at the same time: each writes its own files
  // and renames them into place (atomic), the map first, so a bundle found is whole.
  const tmp = `.${process.pid}.${Math.random().toString(36).slice(2)}`
  for (const f of [...out.outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')))) {
    writeFileSync(f.path + tmp, f.contents)
    renameSync(f.path + tmp, f.path)
  }
  pruneOld(cacheDir, dir)
  return found
}

/** sha256 over every source file's path and content, in a fixed order. */
function sourcesHash(sources: string): string {
  const h = createHash('sha256').update(FORMAT).update(`\0${sources}`)
  const files = (readdirSync(sources, { recursive: true }) as string[]).filter((f) => /\.(ts|mts|mjs|js)$/.test(f)).sort()
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(join(sources, f)))
  return h.digest('base64url').slice(0, 22)
}

function pruneOld(cacheDir: string, keep: string): void {
  const now = Date.now()
  for (const name of readdirSync(cacheDir)) {
    const d = join(cacheDir, name)
    if (d === keep) continue
    try {
      if (now - statSync(d).mtimeMs > MAX_AGE_MS) rmSync(d, { recursive: true, force: true })
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
