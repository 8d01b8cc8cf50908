/**
 * Pools: a node lends its threads to a pool by starting a member; any node opens a view of
 * the pool and sends it work named by module URL + export. Run: pnpm tsx examples/pool/main.ts
 */
import { createNode, type Pid, type Process } from '@troupe/core'
import {
  TaskFailed,
  call,
  closePool,
  defineTask,
  execute,
  map,
  openPool,
  placeChild,
  startPoolMember,
  stats,
  type ExecuteStatus,
} from '@troupe/pool'
import type * as Work from './work.js'

const work = new URL('./work.ts', import.meta.url)
const fib = defineTask<typeof Work.fib>(work, 'fib')
const wordCount = defineTask<typeof Work.wordCount>(work, 'wordCount')
const parseOrder = defineTask<typeof Work.parseOrder>(work, 'parseOrder')

const node = createNode({ name: 'main' })
// Two members: with clusters, each would be on its own node; here both lend threads on this one.
const members = await Promise.all([
  startPoolMember(node, 'crunch', { min: 1, max: 1, maxConcurrency: 2, preload: [fib] }),
  startPoolMember(node, 'crunch', { min: 1, max: 1, maxConcurrency: 2, preload: [fib] }),
])
const pool = openPool(node, 'crunch', { waitTimeout: 10_000, maxAttempts: 3, retryDelay: 10 })

// call: one task, awaited.
console.log('fib(25) =', await call(pool, fib, [25]))

// map: many small inputs, batched several per thread task.
const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} has ${'word '.repeat(i % 7)}`)
const counts = await map(pool, wordCount, lines)
console.log('words in 2000 lines:', counts.reduce((a, b) => a + b, 0))

// Errors keep the worker's name, message and stack; a PermanentFailure is not retried.
try {
  await call(pool, parseOrder, ['oops'])
} catch (e) {
  if (TaskFailed.is(e)) console.log(`parseOrder failed: ${e.reason} after ${e.attempts} attempt(s): ${e.remote.name}: ${e.remote.message}`)
}

// execute: returns at once; the client process gets a status message per task.
const done = new Promise<ExecuteStatus[]>((resolve) => {
  node.spawn(async (ctx: Process) => {
    const ids = [30, 20, 10].map((n) => execute(pool, fib, [n], { client: ctx.self }))
    const got: ExecuteStatus[] = []
    while (got.length < ids.length) got.push((await ctx.receive()) as ExecuteStatus)
    resolve(got)
  })
})
for (const s of await done) console.log(`execute ${s.task} on ${s.node}:`, s.result)

// placeChild: a long-lived actor on a member's node, holding one slot until it exits.
const tallyPid = (await placeChild(pool, { actor: { url: work.href, export: 'tally' }, args: [0] })) as Pid<number, 'total', number>
for (const n of [5, 10, 27]) node.cast(tallyPid, n)
console.log('placed tally total:', await node.call(tallyPid, 'total'))
node.exit(tallyPid, 'shutdown')

const s = stats(pool)
console.log(`stats: completed ${s.completed}, failed ${s.failed}, retried ${s.retried}, members ${s.members.length}`)

// Close the view, then stop the members: their threads go with them and the program exits.
closePool(pool)
for (const m of members) node.exit(m, 'shutdown')
console.log('done')
