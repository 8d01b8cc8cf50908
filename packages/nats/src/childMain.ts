/**
 * The entry of a node process started by forkNatsNodes: starts a NATS node from the
 * configuration in TROUPE_NATS_NODE, imports the setup module (calling its `start(natsNode)`
 * export if it has one), tells the parent its id, and stops when the parent says so or
 * goes away (so no orphan outlives a crashed parent).
 * @internal
 */
import { startNatsNode, type NatsNodeOptions } from './startNatsNode.js'
import type { ChildToParent, ParentToChild } from './forkNatsNodes.js'

const config = JSON.parse(process.env.TROUPE_NATS_NODE ?? 'null') as (NatsNodeOptions & { setup?: string }) | null
if (config === null || typeof process.send !== 'function') {
  console.error('childMain: run it through forkNatsNodes()')
  process.exit(2)
}
const send = (m: ChildToParent) => process.send!(m)
const { setup, ...options } = config
const n = await startNatsNode(options)
let stopping = false
const stop = async (code: number) => {
  if (stopping) return
  stopping = true
  await n.stop()
  process.exit(code)
}
process.on('message', (m: ParentToChild) => {
  if (m.t === 'stop') void stop(0)
})
process.on('disconnect', () => void stop(0))
if (setup !== undefined) {
  const mod = (await import(setup)) as { start?: (node: typeof n) => unknown }
  if (typeof mod.start === 'function') await mod.start(n)
}
send({ t: 'ready', name: n.name })
