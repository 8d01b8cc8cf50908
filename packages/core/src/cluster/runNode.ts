/**
 * What a worker-thread node runs: a Node with its Distribution, and the control plane with
 * the parent (connect, nodedown, heartbeat, stop) on `parentPort`. The data plane (actor
 * messages) never touches `parentPort`: it goes through the MessagePorts of the
 * WorkerTransport. A function (rather than module code) because this module is also part of
 * what every thread loads with core: it runs only where the thread was started for it (see
 * the end of this file, and nodeMain.ts).
 * @internal
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { Node } from '../node.js'
import { Distribution } from './distribution.js'
import { WorkerTransport } from './workerTransport.js'
import { shareSpinners } from './busyWait.js'
import { setCurrentDistribution } from './current.js'
import { decodeReason } from './wire.js'
import { encodeError } from '../errors.js'
import type { ControlToNode, ControlToParent, NodeWorkerData } from './control.js'

export async function runNode(): Promise<void> {
  const data = workerData as NodeWorkerData
  const parent = parentPort!
  const post = (m: ControlToParent) => parent.postMessage(m)

  const node = new Node(data.budget === null ? { name: data.name } : { name: data.name, budget: data.budget })
  shareSpinners(data.spinners, data.spinning, data.maxSpinners)
  const transport = new WorkerTransport({ closeIsDown: false, busyWaitUs: data.busyWaitUs })
  const dist = new Distribution(node, transport)
  setCurrentDistribution(dist)
  // Meshed with the parent's node from the start (a setup module may already talk to it);
  // the parent connects its end when this node reports ready, and the other nodes come in
  // a 'connect' after that.
  dist.connect(data.parent.peer, data.parent.port as MessagePort)
  // A setup module (registering error classes, warming caches) runs before the node reports
  // ready; if it throws, the parent's startNode rejects with NodeBootFailed and the reason.
  if (data.setup !== null) await import(data.setup)

  parent.on('message', (m: ControlToNode) => {
    switch (m.t) {
      case 'connect':
        for (const { peer, port } of m.peers) dist.connect(peer, port as MessagePort)
        post({ t: 'connected' })
        return
      case 'down':
        dist.nodeDown(m.peer, decodeReason(m.reason))
        return
      case 'ping':
        post({ t: 'pong' })
        return
      case 'stop':
        // The stop came on the control port; signals sent before it (a link, a monitor) may
        // still wait on the data ports, which are not ordered with it. Take them first, so
        // they see this shutdown rather than a later nodedown.
        transport.drain()
        node.shutdown('shutdown')
        // Exit signals and pg leaves of the shutdown go out before the parent tells the others.
        dist.flush()
        post({ t: 'stopped' })
        return
    }
  })
  // process.exit() in a worker ends only the thread, and emits 'exit' here first: tell the
  // parent at once (2-3 ms before it would see the thread's own exit event), after posting
  // what this node still had to send.
  // An uncaught exception also ends the thread through 'exit'; the monitor (which leaves the
  // crash as it is) keeps the error, so the reason does not depend on which of this message
  // and the Worker's 'error' event reaches the parent first.
  let crash: unknown = undefined
  process.on('uncaughtExceptionMonitor', (e) => {
    crash = e
  })
  process.on('exit', (code) => {
    dist.flush()
    post(crash === undefined ? { t: 'exiting', code } : { t: 'exiting', code, error: encodeError(crash) })
  })
  post({ t: 'ready' })
}

// The built bundle starts a node's thread at the chunk holding this module, not at a stub
// entry that imports it: one module load (resolve, read, compile) fewer, about 1 ms of a
// 25-35 ms start. The cluster names that chunk as the thread's entry, so this runs only
// there; from sources, the entry is nodeMain.ts, which calls runNode itself. Not awaited:
// a setup module that imports core would otherwise wait on this module's evaluation.
if (!isMainThread && (workerData as Partial<NodeWorkerData> | null)?.boot?.entry === import.meta.url)
  runNode().catch((e: unknown) =>
    process.nextTick(() => {
      // Uncaught, as a throwing top-level await would be: the parent's NodeBootFailed carries it.
      throw e
    }),
  )
