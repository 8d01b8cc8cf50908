// Module hooks of a worker-thread node running core as its dev bundle (see devBundle.ts),
// registered by boot.mjs after tsx's, so they see every import first. Plain JavaScript:
// they run on Node's loader thread, before anything could compile TypeScript for them.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/** @type {{ index: string, bundle: string, sources: string }} */
let core

export function initialize(data) {
  core = data
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  // Whoever imports core (actors, setup modules, other packages) gets the node's own copy.
  if (r.url === core.index) return { url: core.bundle, format: 'module', shortCircuit: true }
  // Any other module of core's sources would be a second copy of it, with its own current
  // node and its own classes: fail clearly rather than run half-connected.
  if (r.url.startsWith(core.sources))
    throw new Error(`${r.url} cannot be imported on a worker-thread node: the node runs core as one bundle; import core's index ('@troupe/core') instead`)
  return r
}

export async function load(url, context, next) {
  // Straight from disk: tsx's loader would rewrite every dynamic import() of this plain
  // JavaScript, with a source map, which costs 20-30 ms on a bundle of core's size.
  if (url === core.bundle) return { format: 'module', source: await readFile(fileURLToPath(url), 'utf8'), shortCircuit: true }
  return next(url, context)
}
