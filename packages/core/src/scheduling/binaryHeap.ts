/**
 * An array-backed binary min-heap ordered by (key, seq): smaller key first, then smaller
 * seq. Keys and seqs live in parallel Float64Arrays so that a comparison is two typed-array
 * loads and no function call; a generic comparator closure would cost a call per compare,
 * which dominates at 10k entries. Seq is unique, so the order is total and pops come out
 * exactly as a stable sort by key would give them.
 *
 * Sifts move a "hole" instead of swapping, writing each displaced entry once.
 * @internal
 */
export class BinaryHeap<T> {
  private keys: Float64Array
  private seqs: Float64Array
  private items: (T | undefined)[]
  private n = 0

  constructor(capacity = 16) {
    const c = Math.max(1, capacity | 0)
    this.keys = new Float64Array(c)
    this.seqs = new Float64Array(c)
    // Filled by push, not `new Array(c)`: V8 keeps a packed array faster than a holey one.
    this.items = []
    for (let i = 0; i < c; i++) this.items.push(undefined)
  }

  get size(): number {
    return this.n
  }

  /** Adds `item`; `key` must not be NaN (NaN compares false both ways and breaks the order). */
  push(item: T, key: number, seq: number): void {
    if (this.n === this.keys.length) this.grow()
    const keys = this.keys
    const seqs = this.seqs
    const items = this.items
    let i = this.n++
    while (i > 0) {
      const p = (i - 1) >> 1
      const pk = keys[p]
      if (pk < key || (pk === key && seqs[p] < seq)) break
      keys[i] = pk
      seqs[i] = seqs[p]
      items[i] = items[p]
      i = p
    }
    keys[i] = key
    seqs[i] = seq
    items[i] = item
  }

  /** Removes and returns the least entry. */
  pop(): T | undefined {
    if (this.n === 0) return undefined
    const items = this.items
    const top = items[0]
    const last = --this.n
    if (last > 0) this.siftDown(0, this.keys[last], this.seqs[last], items[last] as T, last)
    // Drop the reference so a popped message can be collected.
    items[last] = undefined
    return top
  }

  /** The least entry, not removed. */
  peek(): T | undefined {
    return this.n === 0 ? undefined : this.items[0]
  }

  /** Entries in heap (not sorted) order; a copy. */
  toArray(): T[] {
    return this.items.slice(0, this.n) as T[]
  }

  /**
   * Keeps the entries for which `keep` is true, then restores the heap in O(n). Returns the
   * others. `keep` runs on every entry before anything moves, so if it throws the heap is intact.
   */
  filter(keep: (item: T) => boolean): T[] {
    const n = this.n
    const keys = this.keys
    const seqs = this.seqs
    const items = this.items
    const kept = new Uint8Array(n)
    for (let r = 0; r < n; r++) kept[r] = keep(items[r] as T) ? 1 : 0
    const removed: T[] = []
    let w = 0
    for (let r = 0; r < n; r++) {
      const item = items[r] as T
      if (kept[r] === 1) {
        keys[w] = keys[r]
        seqs[w] = seqs[r]
        items[w++] = item
      } else {
        removed.push(item)
      }
    }
    for (let i = w; i < n; i++) items[i] = undefined
    this.n = w
    // Floyd's heapify: sift down every internal node, last first.
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(i, keys[i], seqs[i], items[i] as T, w)
    return removed
  }

  clear(): void {
    this.items.fill(undefined, 0, this.n)
    this.n = 0
  }

  /** Places (key, seq, item) starting at hole `i`, within the first `n` slots. */
  private siftDown(i: number, key: number, seq: number, item: T, n: number): void {
    const keys = this.keys
    const seqs = this.seqs
    const items = this.items
    const half = n >> 1
    while (i < half) {
      let c = 2 * i + 1
      let ck = keys[c]
      let cs = seqs[c]
      const r = c + 1
      if (r < n) {
        const rk = keys[r]
        if (rk < ck || (rk === ck && seqs[r] < cs)) {
          c = r
          ck = rk
          cs = seqs[r]
        }
      }
      if (key < ck || (key === ck && seq < cs)) break
      keys[i] = ck
      seqs[i] = cs
      items[i] = items[c]
      i = c
    }
    keys[i] = key
    seqs[i] = seq
    items[i] = item
  }

  private grow(): void {
    const c = this.keys.length * 2
    const keys = new Float64Array(c)
    keys.set(this.keys)
    const seqs = new Float64Array(c)
    seqs.set(this.seqs)
    this.keys = keys
    this.seqs = seqs
    for (let i = this.items.length; i < c; i++) this.items.push(undefined)
  }
}
