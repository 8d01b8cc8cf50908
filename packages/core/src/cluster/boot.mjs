// The entry of every worker-thread node. Plain JavaScript on purpose: on Node 20 a .ts
// worker entry fails with ERR_UNKNOWN_FILE_EXTENSION even with execArgv ['--import', 'tsx'];
// registering tsx's ESM hooks from inside the thread first, then importing the real (TS)
// entry, works. `tsx` (the resolved URL of 'tsx/esm/api') is null when the parent runs
// built JavaScript.
import { workerData } from 'node:worker_threads'

const { entry, tsx } = workerData.boot
if (tsx !== null) {
  const { register } = await import(tsx)
  register()
}
await import(entry)
