/**
 * The transport between worker-thread nodes of one OS process: one MessageChannel per pair
 * of nodes (the main thread's node included), so a message crosses exactly one port and
 * per-pair ordering is the port's ordering.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import type { Transport } from './transport.js'

export class WorkerTransport implements Transport {
  private readonly ports = new Map<string, MessagePort>()
  private onMsg: (peer: string, batch: unknown[]) => void = () => {}
  private onGone: (peer: string) => void = () => {}

  /** @param unref ports do not keep the thread alive (the main thread: its workers do that) */
  constructor(private readonly unref = false) {}

  connect(peer: string, link: unknown): void {
    const port = link as MessagePort
    this.ports.set(peer, port)
    port.on('message', (batch: unknown[]) => this.onMsg(peer, batch))
    // 'close' fires when the other end closes, including when its thread exits or is terminated.
    port.on('close', () => {
      if (this.ports.get(peer) !== port) return
      this.ports.delete(peer)
      this.onGone(peer)
    })
    if (this.unref) port.unref()
  }

  send(peer: string, batch: unknown[]): void {
    this.ports.get(peer)?.postMessage(batch)
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

  /** Closes every port. */
  close(): void {
    for (const peer of [...this.ports.keys()]) this.disconnect(peer)
  }
}
