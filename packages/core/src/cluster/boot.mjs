// The entry of every worker-thread node. Plain JavaScript on purpose: on Node 20 a .ts
// worker entry fails with ERR_UNKNOWN_FILE_EXTENSION even with execArgv ['--import', 'tsx'];
// registering tsx's ESM hooks from inside the thread first, then importing the real (TS)
// entry, works. `tsx` (the resolved URL of 'tsx/esm/api') is null when the parent runs
// built JavaScript. `core`, from sources, names the bundle of core the node runs (see
// devBundle.ts); its hooks go in after tsx's, so they see every import first.
import { register as registerHooks } from 'node:module'
import { workerData } from 'node:worker_threads'

const { entry, tsx, core } = workerData.boot
if (tsx !== null) {
  const { register } = await import(tsx)
  register()
}
if (core != null) registerHooks(new URL('./devBundleHooks.mjs', import.meta.url), { data: core })
await import(entry)
