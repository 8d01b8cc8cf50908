/**
 * A nats-server child process on 127.0.0.1, for examples, tests, benchmarks and `troupe run
 * --nodes N` on one machine: it listens on a random port (`-p -1`), reports it through a
 * ports file (ready in ~10 ms), keeps JetStream's store in a temporary directory, and is
 * stopped by its pid. Production clusters use their own servers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface LocalNatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly process: ChildProcess
  /** The route URL other servers join with `--routes`, when started with `--cluster`. */
  readonly routeUrl: string | undefined
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its directory. */
  stop(): Promise<void>
}

export interface LocalNatsServerOptions {
  /** Extra lines of server configuration (e.g. `max_pending: 1MB`), written to a config file. */
  config?: string
  /** Extra command-line arguments. */
  args?: string[]
  /** Port; default -1 (a random free port). */
  port?: number
  /** Enable JetStream (cluster-wide names need it). Default true. */
  jetstream?: boolean
}

/** The nats-server binary: on PATH, or where Debian's package puts it; null if not installed. */
export function findNatsServer(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin', '/usr/bin']
  for (const d of dirs) {
    if (d === '') continue
    const p = join(d, 'nats-server')
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return null
}

export async function startLocalNatsServer(options: LocalNatsServerOptions = {}): Promise<LocalNatsServer> {
  const bin = findNatsServer()
  if (bin === null) throw new Error('nats-server is not installed (Debian: apt-get install nats-server)')
  const dir = mkdtempSync(join(tmpdir(), 'troupe-nats-'))
  const args = ['-a', '127.0.0.1', '-p', String(options.port ?? -1), '--ports_file_dir', dir]
  if (options.jetstream !== false) args.push('-js', '-sd', dir)
  if (options.config !== undefined) {
    const conf = join(dir, 'server.conf')
    writeFileSync(conf, options.config)
    args.push('-c', conf)
  }
  args.push(...(options.args ?? []))
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => {
    if (stderr.length < 10_000) stderr += b.toString()
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const t0 = Date.now()
  let port = 0
  let routeUrl: string | undefined
  const clustered = (options.args ?? []).includes('--cluster')
  while (port === 0) {
    if (child.exitCode !== null || child.signalCode !== null) {
      cleanup()
      throw new Error(`nats-server exited at start: ${stderr.trim()}`)
    }
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'))
    if (f !== undefined) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nats?: string[]; client?: string[]; cluster?: string[] }
        const u = (ports.nats ?? ports.client ?? [])[0]
        routeUrl = ports.cluster?.[0]
        if (u !== undefined && (!clustered || routeUrl !== undefined)) port = Number(new URL(u).port)
      } catch {
        // written but not complete yet
      }
    }
    if (port === 0) {
      if (Date.now() - t0 > 10_000) {
        child.kill('SIGKILL')
        cleanup()
        throw new Error(`nats-server did not report its port within 10 s: ${stderr.trim()}`)
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  }
  let stopping: Promise<void> | null = null
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    process: child,
    routeUrl,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          process.kill(child.pid!, 'SIGTERM')
          const t = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid!, 'SIGKILL'), 2000)
          await exited
          clearTimeout(t)
        }
        cleanup()
      })()
      return stopping
    },
  }
}
