/**
 * The demo's live view. On a terminal it redraws a block in place (a bar, one line per node
 * with its tiles and throughput, the latest events); piped, it prints each event and a
 * progress line every 10%, so a log reads well too.
 */
import type { WriteStream } from 'node:tty'

interface NodeRow {
  done: number
  firstAt: number
  lastAt: number
  state: 'up' | 'down'
}

/** A tile's key: its position. */
type TileKey = { x: number; y: number }
const key = (t: TileKey) => `${t.x},${t.y}`

export class Display {
  private readonly nodes = new Map<string, NodeRow>()
  private readonly events: string[] = []
  /** Fraction done of each tile that has reported progress and is not finished. */
  private readonly inflight = new Map<string, number>()
  private done = 0
  private lastDecile = 0
  private drawn = 0
  private timer: NodeJS.Timeout | undefined
  private readonly started = Date.now()
  private readonly tty: boolean

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.tty = (out as WriteStream).isTTY === true && process.env.CI !== 'true'
    if (this.tty) this.timer = setInterval(() => this.draw(), 100).unref()
  }

  nodeUp(name: string): void {
    this.nodes.set(name, { done: 0, firstAt: 0, lastAt: 0, state: 'up' })
    this.event(`${name} joined the pool`)
  }

  nodeDown(name: string, reason: string): void {
    const row = this.nodes.get(name)
    if (row) row.state = 'down'
    this.event(`${name} went down (${reason})`)
  }

  /** A running tile reported how far it got. */
  tileProgress(tile: TileKey, fraction: number): void {
    this.inflight.set(key(tile), fraction)
  }

  tileDone(tile: TileKey, node: string): void {
    this.inflight.delete(key(tile))
    let row = this.nodes.get(node)
    if (row === undefined) this.nodes.set(node, (row = { done: 0, firstAt: 0, lastAt: 0, state: 'up' }))
    const now = Date.now()
    row.done++
    if (row.firstAt === 0) row.firstAt = now
    row.lastAt = now
    this.done++
    if (!this.tty) {
      const decile = Math.floor((this.done / this.total) * 10)
      if (decile > this.lastDecile) {
        this.lastDecile = decile
        this.line(`progress: ${this.done}/${this.total} tiles (${decile * 10}%)  ${this.perNode()}`)
      }
    }
  }

  event(text: string): void {
    const stamped = `${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)} s  ${text}`
    this.events.push(stamped)
    if (!this.tty) this.line(stamped)
  }

  /** Stops redrawing and leaves the final picture on screen. */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.tty) this.draw()
  }

  private perNode(): string {
    return [...this.nodes].map(([n, r]) => `${n}=${r.done}${r.state === 'down' ? '(down)' : ''}`).join(' ')
  }

  private line(s: string): void {
    this.out.write(s + '\n')
  }

  private draw(): void {
    const width = 30
    let partial = 0
    for (const f of this.inflight.values()) partial += f
    const filled = Math.min(width, Math.round(((this.done + partial) / this.total) * width))
    const lines = [
      `  [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${this.done}/${this.total} tiles  ${((Date.now() - this.started) / 1000).toFixed(1)} s`,
    ]
    for (const [name, r] of this.nodes) {
      const secs = (r.lastAt - r.firstAt) / 1000
      const rate = r.done > 1 && secs > 0 ? `${((r.done - 1) / secs).toFixed(1)} tiles/s` : ''
      const state = r.state === 'down' ? '\x1b[31mdown\x1b[0m' : '\x1b[32mup\x1b[0m  '
      lines.push(`  ${name.padEnd(6)} ${state}  ${String(r.done).padStart(4)} tiles  ${rate}`)
    }
    lines.push(...this.events.slice(-6).map((e) => `  ${e}`))
    // Move up over the last drawing, clear it, draw again.
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`)
    this.out.write(lines.join('\n') + '\n')
    this.drawn = lines.length
  }
}
