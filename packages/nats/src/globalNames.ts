/**
 * Cluster-wide names (Erlang's `global`), on JetStream KV with compare-and-set: a name is
 * taken with `create` (fails if the key holds a value) and taken over from a holder that is
 * gone with `update` at the revision that was read (fails if anyone wrote since), never by
 * check-then-set. A name is released when its process exits. A holder whose node is down
 * still owns the key until someone takes it over: readers treat it as unregistered.
 * @internal
 */
import type { KV, NatsConnection } from 'nats'
import { nodeOf, type Distribution, type Pid } from '@troupe/core'
import { GlobalNameError } from './errors.js'

const encoder = new TextEncoder()

/** KV keys allow `[-/_=.a-zA-Z0-9]`: names are stored base64url-encoded. */
function keyOf(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url') || '_'
}

export class GlobalNames {
  private kv: Promise<KV> | null = null
  /** Names this node holds: pid -> name -> revision. */
  private readonly held = new Map<Pid, Map<string, number>>()

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
    private readonly dist: Distribution,
  ) {}

  private open(name: string): Promise<KV> {
    this.kv ??= this.nc.jetstream().views.kv(this.bucket, { history: 1 })
    return this.kv.catch((e: unknown) => {
      this.kv = null
      throw new GlobalNameError({ key: name, reason: e })
    })
  }

  /** True when `pid` could still answer: local and alive, or on a connected node. */
  private alive(pid: string): boolean {
    const n = nodeOf(pid as Pid)
    if (n === this.dist.node.name) return this.dist.node._process(pid as Pid) !== undefined
    return this.dist.isConnected(n)
  }

  async register(name: string, pid: Pid): Promise<boolean> {
    if (nodeOf(pid) !== this.dist.node.name || this.dist.node._process(pid) === undefined) return false
    const kv = await this.open(name)
    const key = keyOf(name)
    let rev: number
    try {
      rev = await kv.create(key, encoder.encode(pid))
    } catch {
      // Taken: take it over only from a holder that is gone, and only at the revision read.
      const e = await kv.get(key)
      if (e !== null && e.operation === 'PUT' && this.alive(e.string())) return false
      if (e === null) return false
      try {
        rev = await kv.update(key, encoder.encode(pid), e.revision)
      } catch {
        return false
      }
    }
    if (this.dist.node._process(pid) === undefined) {
      // It died while the name was being taken: give the name back.
      await kv.delete(key, { previousSeq: rev }).catch(() => {})
      return false
    }
    let names = this.held.get(pid)
    if (names === undefined) {
      this.held.set(pid, (names = new Map()))
      this.dist.node._addHook(pid, this)
    }
    names.set(name, rev)
    return true
  }

  async whereis(name: string): Promise<Pid | undefined> {
    const kv = await this.open(name)
    const e = await kv.get(keyOf(name))
    if (e === null || e.operation !== 'PUT') return undefined
    const pid = e.string()
    return this.alive(pid) ? (pid as Pid) : undefined
  }

  async unregister(name: string): Promise<void> {
    for (const [pid, names] of this.held) {
      const rev = names.get(name)
      if (rev === undefined) continue
      names.delete(name)
      if (names.size === 0) this.held.delete(pid)
      const kv = await this.open(name)
      await kv.delete(keyOf(name), { previousSeq: rev }).catch(() => {})
    }
  }

  /** @internal ExitHook: the holder exited, its names are released (only if still its own). */
  onProcessExit(pid: Pid): void {
    const names = this.held.get(pid)
    if (names === undefined) return
    this.held.delete(pid)
    for (const [name, rev] of names) {
      void this.open(name)
        .then((kv) => kv.delete(keyOf(name), { previousSeq: rev }))
        .catch(() => {})
    }
  }
}
