/**
 * The transport between worker-thread nodes of one OS process: one MessageChannel per pair
 * of nodes (the main thread's node included), so a message crosses exactly one port and
 * per-pair ordering is the port's ordering.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import type { Transport } from './transport.js'
import { busyWait } from './busyWait.js'

export class WorkerTransport implements Transport {
  private readonly ports = new Map<string, MessagePort>()
  private onMsg: (peer: string, batch: unknown[]) => void = () => {}
  private onGone: (peer: string) => void = () => {}

  private readonly unref: boolean
  private readonly closeIsDown: boolean
  private readonly busyWaitUs: number

  /**
   * @param opts.unref ports do not keep the thread alive (the main thread: its workers do that)
   * @param opts.closeIsDown a port's 'close' means the peer is down. Off inside a cluster,
   *   where the parent sees the thread's exit (with its reason: error, exit code, heartbeat,
   *   out of memory) 1-2 ms after the close, and tells every node, so all agree on the reason.
   * @param opts.busyWaitUs µs this thread keeps polling after each batch in or out (see busyWait.ts); 0 sleeps at once
   */
  constructor(opts: { unref?: boolean; closeIsDown?: boolean; busyWaitUs?: number } = {}) {
    this.unref = opts.unref ?? false
    this.closeIsDown = opts.closeIsDown ?? true
    this.busyWaitUs = opts.busyWaitUs ?? 0
  }

  connect(peer: string, link: unknown): void {
    const port = link as MessagePort
    this.ports.set(peer, port)
    port.on('message', (batch: unknown[]) => {
      busyWait(this.busyWaitUs)
      this.onMsg(peer, batch)
    })
    // 'close' fires when the other end closes, including when its thread exits or is terminated.
    if (this.closeIsDown) port.on('close', () => {
      if (this.ports.get(peer) !== port) return
      this.ports.delete(peer)
      this.onGone(peer)
    })
    if (this.unref) port.unref()
  }

  send(peer: string, batch: unknown[]): void {
    const port = this.ports.get(peer)
    if (port === undefined) return
    port.postMessage(batch)
    busyWait(this.busyWaitUs)
  }

  onMessage(handler: (peer: string, batch: unknown[]) => void): void {
    this.onMsg = handler
  }

  onDown(handler: (peer: string) => void): void {
    this.onGone = handler
  }

  disconnect(peer: string): void {
    const port = this.ports.get(peer)
    if (port === undefined) return
    this.ports.delete(peer)
    // The nodedown may come from the parent over another port, ahead of the batches still
    // queued on this one; take them synchronously so they are handled first, as OTP orders
    // a node's messages before its nodedown.
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) this.onMsg(peer, m.message as unknown[])
    port.close()
  }

  /** Hands every batch already queued on any port to the message handler, synchronously. */
  drain(): void {
    for (const [peer, port] of this.ports)
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) this.onMsg(peer, m.message as unknown[])
  }

  /** Closes every port. */
  close(): void {
    for (const peer of [...this.ports.keys()]) this.disconnect(peer)
  }
}
