/**
 * Supervision: let it crash.
 *
 * A parser that throws on malformed input sits under a supervisor next to a cache. Each
 * crash fails only the request that caused it; the supervisor restarts the parser with a
 * clean state (under the same registered name) and leaves the cache alone (`one_for_one`).
 * A burst of crashes then exceeds the restart intensity, and the supervisor gives up:
 * it stops its children and exits with `shutdown`, which is its own supervisor's cue.
 *
 * Run: pnpm tsx examples/supervision/main.ts
 */
import { CallExited, createNode, defineBehaviour, describeReason, reply, startSupervisor, stopSupervisor, whichChildren } from '@troupe/core'
import type { ProcessContext } from '@troupe/core'

type CacheRequest = { get: string } | { put: string; value: number }

const cache = defineBehaviour({
  init: () => new Map<string, number>(),
  handleCall(req: CacheRequest, _from, m: Map<string, number>) {
    if ('get' in req) return reply(m.get(req.get), m)
    m.set(req.put, req.value)
    return reply(undefined, m)
  },
})

const parser = defineBehaviour({
  init(ctx: ProcessContext) {
    console.log(`  parser started as ${ctx.self}`)
    return { parsed: 0 }
  },
  handleCall(line: string, _from, s: { parsed: number }) {
    // No defensive code: a bad line crashes the parser, and the supervisor restarts it.
    if (!/^\d+$/.test(line)) throw new Error(`cannot parse ${JSON.stringify(line)}`)
    return reply(Number(line), { parsed: s.parsed + 1 })
  },
})

const node = createNode({ name: 'example' })

console.log('a supervisor with a cache and a parser:')
const sup = await startSupervisor(node, {
  strategy: 'one_for_one',
  intensity: 2, // at most 2 restarts...
  period: 1000, // ...per second, or the supervisor gives up
  children: [
    { id: 'cache', start: { actor: cache, options: { name: 'cache' } } },
    { id: 'parser', start: { actor: parser, options: { name: 'parser' } } },
  ],
})

async function show(): Promise<void> {
  const children = await whichChildren(node, sup)
  console.log(`  children: ${children.map((c) => `${c.id}=${c.pid ?? 'stopped'}`).join(', ')}`)
}

async function parse(line: string): Promise<void> {
  try {
    const n = await node.call<string, number>({ name: 'parser' }, line)
    await node.call<CacheRequest, undefined>({ name: 'cache' }, { put: line, value: n })
    console.log(`  ${JSON.stringify(line)} -> ${n}`)
  } catch (e) {
    if (!CallExited.is(e)) throw e
    console.log(`  ${JSON.stringify(line)} failed: ${describeReason(e.reason)}`)
  }
}

await show()

console.log('\nparsing, with one bad line:')
for (const line of ['12', 'twelve', '30']) {
  await parse(line)
  // Asking the supervisor waits until it has handled the crash, so the next call finds the new parser.
  if (line === 'twelve') await show()
}
console.log(`  the cache survived the crash: 12 -> ${String(await node.call({ name: 'cache' }, { get: '12' }))}`)

console.log('\na burst of bad lines (more than 2 restarts within 1 s):')
for (const line of ['x', 'y', 'z']) {
  await parse(line)
  try {
    await show()
  } catch (e) {
    // The supervisor exited before answering: it gave up, taking its children with it.
    if (!CallExited.is(e)) throw e
    console.log(`  the supervisor gave up: it exited with ${describeReason(e.reason)}; ${node.processes().length} processes left`)
    break
  }
}

// A program that is done stops its tree: children in reverse start order, then the supervisor.
const tree = await startSupervisor(node, { children: [{ id: 'cache', start: { actor: cache } }] })
await stopSupervisor(node, tree)
console.log(`\nanother tree, stopped with stopSupervisor: ${node.processes().length} processes left`)
