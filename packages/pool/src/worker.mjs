// The Piscina thread entry of every pool member. Plain JavaScript on purpose: on Node 20,
// `execArgv: ['--import', 'tsx']` does not load a `.ts` worker entry
// (ERR_UNKNOWN_FILE_EXTENSION), so this file registers tsx itself when a task module is
// TypeScript, then imports the task module and calls the named export.
//
// A task's own failure is thrown as a plain `{ $task: encodedError, permanent }` object, so
// that anything else Piscina rejects with (worker exit, out of memory, abort) is known on
// the main side to be the thread's fault, not the task's.
import { parentPort, threadId, workerData, MessageChannel } from 'node:worker_threads'

const modules = new Map()
let tsx = null

function needsTsx(url) {
  return /\.[mc]?tsx?$/.test(url)
}

function registerTsx() {
  // tsx 4's ESM API: register() installs its loader hooks for this thread (~120 ms).
  tsx ??= import('tsx/esm/api').then((m) => {
    m.register()
  })
  return tsx
}

async function load(url) {
  let m = modules.get(url)
  if (m === undefined) {
    if (needsTsx(url)) await registerTsx()
    m = await import(url)
    modules.set(url, m)
  }
  return m
}

function fn(m, url, name) {
  const f = m[name]
  if (typeof f !== 'function') throw new TypeError(`export ${name} of ${url} must be a function, got ${typeof f}`)
  return f
}

// Same wire form as @troupe/core's encodeError (kept in step by hand: this file cannot
// import TypeScript before tsx is registered, and must not need it in built JavaScript).
function encodeError(err) {
  if (!(err instanceof Error)) return err
  const fields = typeof err.fields === 'function' ? err.fields() : {}
  return { $error: typeof err.tag === 'string' ? err.tag : err.name, message: err.message, stack: err.stack, fields }
}

function taskError(err) {
  const e = encodeError(err)
  return { $task: e, permanent: e !== null && typeof e === "object" && e.$error === "PermanentFailure", t: threadId }
}

if (workerData?.troupeTsx === true) await registerTsx()
for (const url of workerData?.troupePreload ?? []) await load(url)

// Health: a port the member pings, and a shared flag that says whether a task is running,
// so that a thread busy in a long task is not taken for a stuck one. Offered only once the
// thread has booted, so that a slow boot (tsx registration) is not taken for a stall.
// busy[0]: 1 while a task runs; busy[1]: tasks finished.
const busy = new Int32Array(new SharedArrayBuffer(8))
if (workerData?.troupeHealth === true) {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', (m) => port1.postMessage(m))
  // Unref'd: the health port must not keep an idle thread alive.
  port1.unref()
  // Piscina forwards non-ready messages from its threads as its own 'message' event.
  parentPort.postMessage({ $troupeThread: threadId, port: port2, busy }, [port2])
}

/** One task `{ u, e, a }` (url, export, args) or one batch `{ u, e, b }` (inputs, one argument each). */
// Where `progress()` from @troupe/pool/task posts while a task that asked for it runs (one
// task at a time per thread: concurrentTasksPerWorker is 1).
const PROGRESS = Symbol.for('troupe.pool.progress')

export default async function run(task) {
  busy[0] = 1
  const port = task.port
  if (port !== undefined) globalThis[PROGRESS] = (value) => port.postMessage(value)
  try {
    const m = modules.get(task.u) ?? (await load(task.u))
    const f = fn(m, task.u, task.e)
    if (task.b === undefined) return await f(...task.a)
    const inputs = task.b
    const out = new Array(inputs.length)
    for (let i = 0; i < inputs.length; i++) out[i] = await f(inputs[i])
    return out
  } catch (err) {
    throw taskError(err)
  } finally {
    if (port !== undefined) {
      globalThis[PROGRESS] = undefined
      port.close()
    }
    busy[0] = 0
    busy[1]++
  }
}
