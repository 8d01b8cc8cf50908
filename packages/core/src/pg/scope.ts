/**
 * A port of Erlang's `pg` (OTP 25+) for one scope on one node.
 *
 * Membership lists are copy-on-write arrays: joins and leaves build a new array, so
 * `getMembers` is a Map lookup returning the current array, with no copying (the arrays
 * are shared: treat them as read-only). A pid appears once per join, as in Erlang.
 *
 * Views are eventually consistent and not transitive once nodes are connected: each node
 * sees its own local members at once and other nodes' members when their joins arrive.
 */
import type { Node } from '../node.js'
import type { ExitHook } from '../process.js'
import { nodeOf, type Pid, type Ref } from '../pid.js'
import { isName, nameKey, type Name } from '../name.js'
import { assertPid, describe } from '../validate.js'
import type { PgNotification } from './notification.js'

interface GroupEntry {
  readonly group: Name
  all: readonly Pid[]
  local: readonly Pid[]
}

const NONE: readonly Pid[] = Object.freeze([])

export class PgScope implements ExitHook {
  private readonly groups = new Map<string, GroupEntry>()
  /** Local members: pid -> group key -> join count. */
  private readonly members = new Map<Pid, Map<string, number>>()
  private readonly scopeMonitors = new Map<Ref, Pid>()
  private readonly groupMonitors = new Map<string, Map<Ref, Pid>>()
  /** Every monitor ref by its owner, so a dead owner's monitors go with it. */
  private readonly monitorsByOwner = new Map<Pid, Map<Ref, string | null>>()

  /** @internal */
  constructor(
    private readonly node: Node,
    readonly scope: string,
  ) {}

  /** Joins one pid or several (local only; refcounted: join twice, leave twice). Always `'ok'`. */
  join(group: Name, pidOrPids: Pid | readonly Pid[]): 'ok' {
    const key = this.key(group)
    const pids = this.localPids(pidOrPids, 'join')
    // A dead pid would leave again at once (Erlang monitors it): we skip it outright.
    const joined = pids.filter((p) => this.node.procs.has(p))
    if (joined.length === 0) return 'ok'
    for (const pid of joined) {
      let m = this.members.get(pid)
      if (m === undefined) {
        this.members.set(pid, (m = new Map()))
        this.node._addHook(pid, this)
      }
      m.set(key, (m.get(key) ?? 0) + 1)
    }
    const e = this.groups.get(key)
    if (e === undefined) this.groups.set(key, { group, all: joined, local: joined })
    else {
      e.all = e.all.concat(joined)
      e.local = e.local.concat(joined)
    }
    this.notify(key, group, 'pg_join', joined)
    this.node.remote?.pgChanged(this.scope, 'pg_join', group, joined)
    return 'ok'
  }

  /** Leaves once per pid given. `'not_joined'` when none of them was a member. */
  leave(group: Name, pidOrPids: Pid | readonly Pid[]): 'ok' | 'not_joined' {
    const key = this.key(group)
    const pids = this.localPids(pidOrPids, 'leave')
    const left: Pid[] = []
    for (const pid of pids) {
      const m = this.members.get(pid)
      const n = m?.get(key)
      if (m === undefined || n === undefined) continue
      if (n === 1) {
        m.delete(key)
        if (m.size === 0) this.members.delete(pid)
      } else m.set(key, n - 1)
      left.push(pid)
    }
    if (left.length === 0) return 'not_joined'
    this.removeFromGroup(key, left)
    this.notify(key, this.groups.get(key)?.group ?? group, 'pg_leave', left)
    this.node.remote?.pgChanged(this.scope, 'pg_leave', group, left)
    return 'ok'
  }

  /** Every member, local and remote, as this node currently sees them. */
  getMembers(group: Name): readonly Pid[] {
    return this.groups.get(typeof group === 'string' ? group : this.key(group))?.all ?? NONE
  }

  /** Members on this node. */
  getLocalMembers(group: Name): readonly Pid[] {
    return this.groups.get(typeof group === 'string' ? group : this.key(group))?.local ?? NONE
  }

  /** Groups with at least one member. */
  whichGroups(): Name[] {
    return [...this.groups.values()].map((e) => e.group)
  }

  /** Groups with at least one member on this node. */
  whichLocalGroups(): Name[] {
    return [...this.groups.values()].filter((e) => e.local.length > 0).map((e) => e.group)
  }

  /**
   * Subscribes `watcher` to every join and leave in the scope. Returns the current groups
   * as a snapshot; later changes arrive as `PgNotification` messages carrying `ref`.
   */
  monitorScope(watcher: Pid): { ref: Ref; groups: Map<Name, Pid[]> } {
    const ref = this.addMonitor(watcher, null)
    this.scopeMonitors.set(ref, watcher)
    const groups = new Map<Name, Pid[]>()
    for (const e of this.groups.values()) groups.set(e.group, [...e.all])
    return { ref, groups }
  }

  /** Subscribes `watcher` to joins and leaves of one group; returns its members now. */
  monitor(watcher: Pid, group: Name): { ref: Ref; pids: Pid[] } {
    const key = this.key(group)
    const ref = this.addMonitor(watcher, key)
    let m = this.groupMonitors.get(key)
    if (m === undefined) this.groupMonitors.set(key, (m = new Map()))
    m.set(ref, watcher)
    return { ref, pids: [...this.getMembers(group)] }
  }

  /**
   * Removes a monitor and flushes its notifications already queued in the watcher's
   * mailbox. `false` if `ref` was not an active monitor of `watcher`.
   */
  demonitor(watcher: Pid, ref: Ref): 'ok' | false {
    assertPid(watcher, 'watcher')
    const owned = this.monitorsByOwner.get(watcher)
    if (owned === undefined || !owned.has(ref)) return false
    this.dropMonitor(watcher, ref, owned.get(ref)!)
    const p = this.node._process(watcher)
    if (p !== undefined)
      this.node._removeQueued(p, (m) => typeof m === 'object' && m !== null && (m as { ref?: unknown }).ref === ref)
    return 'ok'
  }

  /** @internal A local process exited: it leaves every group, and its monitors end. */
  onProcessExit(pid: Pid): void {
    const m = this.members.get(pid)
    if (m !== undefined) {
      this.members.delete(pid)
      for (const [key, count] of m) {
        const left = new Array<Pid>(count).fill(pid)
        const group = this.groups.get(key)!.group
        this.removeFromGroup(key, left)
        this.notify(key, group, 'pg_leave', left)
        this.node.remote?.pgChanged(this.scope, 'pg_leave', group, left)
      }
    }
    const owned = this.monitorsByOwner.get(pid)
    if (owned !== undefined) for (const [ref, key] of owned) this.dropMonitor(pid, ref, key)
  }

  // ---------------------------------------------------------------- remote members

  /** @internal Local memberships, for a peer's view on nodeup: [group, pids (once per join)]. */
  _localGroups(): [Name, Pid[]][] {
    const out: [Name, Pid[]][] = []
    for (const e of this.groups.values()) if (e.local.length > 0) out.push([e.group, [...e.local]])
    return out
  }

  /** @internal Members of another node joined (or were synced on nodeup). */
  _remoteJoin(group: Name, pids: readonly Pid[]): void {
    if (pids.length === 0) return
    const key = this.key(group)
    const e = this.groups.get(key)
    if (e === undefined) this.groups.set(key, { group, all: pids.slice(), local: NONE })
    else e.all = e.all.concat(pids)
    this.notify(key, group, 'pg_join', pids)
  }

  /** @internal Members of another node left. */
  _remoteLeave(group: Name, pids: readonly Pid[]): void {
    const key = this.key(group)
    const e = this.groups.get(key)
    if (e === undefined || pids.length === 0) return
    this.removeFromGroup(key, pids)
    this.notify(key, e.group, 'pg_leave', pids)
  }

  /** @internal Node `node` went down: all its members leave at once, one notification per group. */
  _nodeDown(node: string): void {
    for (const [key, e] of [...this.groups]) {
      const gone = e.all.filter((pid) => nodeOf(pid) === node)
      if (gone.length === 0) continue
      this.removeFromGroup(key, gone)
      this.notify(key, e.group, 'pg_leave', gone)
    }
  }

  private addMonitor(watcher: Pid, key: string | null): Ref {
    assertPid(watcher, 'watcher')
    if (!this.node._addHook(watcher, this)) throw new TypeError(`watcher ${watcher} is not a live process on node ${this.node.name}`)
    const ref = this.node.newRef()
    let owned = this.monitorsByOwner.get(watcher)
    if (owned === undefined) this.monitorsByOwner.set(watcher, (owned = new Map()))
    owned.set(ref, key)
    return ref
  }

  private dropMonitor(watcher: Pid, ref: Ref, key: string | null): void {
    const owned = this.monitorsByOwner.get(watcher)!
    owned.delete(ref)
    if (owned.size === 0) this.monitorsByOwner.delete(watcher)
    if (key === null) this.scopeMonitors.delete(ref)
    else {
      const gm = this.groupMonitors.get(key)
      gm?.delete(ref)
      if (gm?.size === 0) this.groupMonitors.delete(key)
    }
  }

  /** Removes one occurrence of each pid in `pids` from the group's lists. */
  private removeFromGroup(key: string, pids: readonly Pid[]): void {
    const e = this.groups.get(key)
    if (e === undefined) return
    e.all = without(e.all, pids)
    e.local = without(e.local, pids)
    if (e.all.length === 0) this.groups.delete(key)
  }

  private notify(key: string, group: Name, type: 'pg_join' | 'pg_leave', pids: readonly Pid[]): void {
    const node = this.node
    if (this.scopeMonitors.size !== 0) for (const [ref, w] of this.scopeMonitors) this.post(w, { type, ref, scope: this.scope, group, pids })
    const gm = this.groupMonitors.get(key)
    if (gm !== undefined) for (const [ref, w] of gm) this.post(w, { type, ref, scope: this.scope, group, pids })
    if (node.inspectors !== null) node.emit({ type, scope: this.scope, group, pids })
  }

  private post(watcher: Pid, n: PgNotification): void {
    const p = this.node._process(watcher)
    if (p !== undefined) this.node.deliver(p, n, false)
  }

  private key(group: Name): string {
    if (!isName(group)) throw new TypeError(`group must be a non-empty string or tuple, got ${describe(group)}`)
    return nameKey(group)
  }

  private localPids(pidOrPids: Pid | readonly Pid[], op: string): readonly Pid[] {
    const pids = Array.isArray(pidOrPids) ? (pidOrPids as readonly Pid[]) : [pidOrPids as Pid]
    for (const pid of pids) {
      assertPid(pid, 'pid')
      if (nodeOf(pid) !== this.node.name) throw new RangeError(`pg ${op}: ${pid} is not a local process of node ${this.node.name}`)
    }
    return pids
  }
}

/** `list` minus one occurrence of each element of `remove` (both short), as a new array. */
function without(list: readonly Pid[], remove: readonly Pid[]): readonly Pid[] {
  const out = list.slice()
  for (const pid of remove) {
    const i = out.lastIndexOf(pid)
    if (i >= 0) out.splice(i, 1)
  }
  return out
}
