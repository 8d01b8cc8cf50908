import { open, type Database } from 'lmdb'
import type { Assignment, SignedFields } from './assignment.js'
import type { Message } from './message.js'
import { InvalidOption, SlotConflict, StoreClosed } from './errors.js'
import { checkProcId, checkRange, checkWrite, type AssignmentStore, type Latest } from './store.js'

export interface LmdbStoreOptions {
  /** Directory of the LMDB environment; created if missing. Required. */
  readonly path: string
  /**
   * Writes of at least this many assignments commit on the calling thread, blocking it for
   * the commit and its sync; smaller ones go to lmdb-js's write thread. Default 32; 0 commits
   * every write inline, `Infinity` none. Why: on a machine whose cores are busy (signing,
   * serving), the write thread waits for a core before it commits: a 64-assignment group
   * commit took 1.6-2 ms that way here, against 0.6 ms inline, and each scheduler server's
   * throughput is bounded by its clients divided by that latency. Blocking for one sync is
   * worth it when dozens of assignments share it, not for one or two (RSA's slow signatures
   * give small writes: inline commits of those cost assign_rsa 12%).
   */
  readonly inlineCommitMin?: number
}

export const lmdbStoreDefaults = { inlineCommitMin: 32 } as const

// Key = ascii(procId) (43 bytes) || slot as 8-byte big-endian: byte order is (process, slot)
// order, so a process's slots are one contiguous, numerically sorted range.
const ID_LEN = 43
const KEY_LEN = ID_LEN + 8

function keyOf(procId: string, slot: number): Buffer {
  const k = Buffer.allocUnsafe(KEY_LEN)
  k.write(procId, 0, ID_LEN, 'latin1')
  k.writeUInt32BE(Math.floor(slot / 2 ** 32), ID_LEN)
  k.writeUInt32BE(slot >>> 0, ID_LEN + 4)
  return k
}

function slotOf(key: Buffer): number {
  return key.readUInt32BE(ID_LEN) * 2 ** 32 + key.readUInt32BE(ID_LEN + 4)
}

/**
 * A record as stored: positional, and without the process and slot the key already holds
 * (msgpack of an object writes every key name: this is ~0.7 µs and ~60 bytes less a record).
 */
type Row = readonly [message: string, hashChain: string, timestamp: number, body: Message, signed: SignedFields | null, envelope: Message | null]

function toRow(a: Assignment): Row {
  return [a.message, a.hashChain, a.timestamp, a.body, a.signed ?? null, a.envelope ?? null]
}

function fromRow(process: string, slot: number, r: Row): Assignment {
  const a: { -readonly [K in keyof Assignment]: Assignment[K] } = { process, slot, message: r[0], hashChain: r[1], timestamp: r[2], body: r[3] }
  if (r[4] !== null) a.signed = r[4]
  if (r[5] !== null) a.envelope = r[5]
  return a
}

/**
 * Opens (or creates) an LMDB-backed {@link AssignmentStore}.
 *
 * Durability: the environment is opened with `overlappingSync: false`, so a commit returns,
 * and its write promises resolve, only after LMDB has synced it; `noSync` is never used.
 * (Awaiting `db.flushed` with overlappingSync on is the other safe way; measured here it cost
 * 2-3x in concurrent throughput, each call building its own promises.)
 * Group commit: lmdb-js puts every write issued in one event turn into one transaction, and
 * `write` adds no await before its puts, so concurrent writes share one sync.
 */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<AssignmentStore> {
  if (typeof options?.path !== 'string' || options.path === '') {
    throw new InvalidOption({ option: 'options.path', expected: 'a non-empty string' })
  }
  const inlineMin = options.inlineCommitMin ?? lmdbStoreDefaults.inlineCommitMin
  if (!(inlineMin === Infinity || (Number.isSafeInteger(inlineMin) && inlineMin >= 0))) {
    throw new InvalidOption({ option: 'options.inlineCommitMin', expected: 'a non-negative integer or Infinity' })
  }
  // msgpack keeps Uint8Array bodies; records off, because every `commitments` map has its own
  // key set (commitment IDs) and would each become a shared structure.
  const db: Database<Row, Buffer> = open({
    path: options.path,
    keyEncoding: 'binary',
    encoding: 'msgpack',
    encoder: { useRecords: false },
    overlappingSync: false,
  })
  // Last slot written or being written, per process, once known: the slot check must see
  // writes that are not committed yet, which reads cannot.
  const tails = new Map<string, number>()
  let closed = false
  const open_ = (): void => {
    if (closed) throw new StoreClosed({ store: 'lmdb' })
  }

  const lastOnDisk = (procId: string): Assignment | undefined => {
    for (const { key, value } of db.getRange({
      start: keyOf(procId, Number.MAX_SAFE_INTEGER),
      end: Buffer.from(procId, 'latin1'),
      reverse: true,
      limit: 1,
    })) {
      return fromRow(procId, slotOf(key), value)
    }
    return undefined
  }

  // Both ways check that the first slot is free inside the write transaction, atomically with
  // the puts: that guards against another writer of the same environment.
  const commit = (procId: string, assignments: readonly Assignment[]): boolean | Promise<boolean> => {
    const first = keyOf(procId, assignments[0]!.slot)
    if (assignments.length >= inlineMin)
      return db.transactionSync(() => {
        if (db.doesExist(first)) return false
        for (const a of assignments) db.putSync(keyOf(procId, a.slot), toRow(a))
        return true
      })
    return db.ifNoExists(first, () => {
      for (const a of assignments) void db.put(keyOf(procId, a.slot), toRow(a))
    })
  }

  return {
    async latest(procId) {
      open_()
      checkProcId(procId)
      const a = lastOnDisk(procId)
      return a === undefined ? undefined : ({ slot: a.slot, hashChain: a.hashChain, assignment: a } satisfies Latest)
    },
    async read(procId, from, to = Number.MAX_SAFE_INTEGER, limit = Infinity) {
      open_()
      checkRange(procId, from, to, limit)
      const range = db.getRange({ start: keyOf(procId, from), end: keyOf(procId, to + 1), ...(limit === Infinity ? {} : { limit }) })
      return range.map(({ key, value }) => fromRow(procId, slotOf(key), value)).asArray
    },
    async write(procId, assignments) {
      open_()
      checkProcId(procId)
      const first = assignments[0]
      if (first === undefined) return
      const tail = checkWrite(procId, assignments, tails.get(procId) ?? lastOnDisk(procId)?.slot ?? -1)
      tails.set(procId, tail)
      try {
        if (!(await commit(procId, assignments))) throw new SlotConflict({ procId, expected: first.slot + 1, got: first.slot })
      } catch (err) {
        tails.delete(procId)
        throw err
      }
    },
    async close() {
      if (closed) return
      closed = true
      await db.close()
    },
  }
}
