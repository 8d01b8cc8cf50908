/** The `troupe` command as a user runs it: real processes, exit codes, output. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = `${root}packages/cli/bin/troupe.mjs`

function troupe(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TROUPE_DEMO_OUT: join(tmpdir(), `troupe-cli-demo-${process.pid}.png`) }
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 60_000, env }, (e, stdout, stderr) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr })
    })
  })
}

describe('troupe CLI', () => {
  it.each([[['--help']], [['run', '--help']], [['demo', '--help']], [['bench', '-h']]])('%j prints help and exits 0', async (args) => {
    const r = await troupe(...args)
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^Usage: troupe/)
  })

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run'], /run needs an entry module/],
    [['run', 'x.ts', '--nodes', 'many'], /--nodes must be an integer from 0 to 64, got "many"/],
    [['run', 'x.ts', '--nodes', '65'], /--nodes must be an integer/],
    [['run', 'x.ts', '--fast'], /Unknown option '--fast'/],
    [['demo', 'extra'], /Unexpected argument 'extra'/],
    [['run', 'does/not/exist.ts'], /entry module not found/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await troupe(...args)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
  })

  it('run starts a local cluster and runs the entry (TypeScript) on its first node', async () => {
    const r = await troupe('run', 'test/fixtures/runEntry.ts', '--nodes', '2', '--', 'a', 'b')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/nodes: \S+, node1, node2/)
    expect(r.out).toMatch(/args: a b/)
    expect(r.out).toMatch(/actor ran on node2/)
  })

  it('run --nats starts the other nodes as processes joined over NATS', async (ctx) => {
    const { findNatsServer, startLocalNatsServer } = await import('@troupe/nats')
    if (findNatsServer() === null) {
      // Locally the NATS tests skip without a server; CI installs one and must run them.
      if (process.env.CI === 'true') throw new Error('nats-server is not installed (CI must install it)')
      return ctx.skip()
    }
    const server = await startLocalNatsServer()
    try {
      const r = await troupe('run', 'test/fixtures/runEntry.ts', '--nodes', '2', '--nats', server.url, '--', 'x')
      expect(r.code, r.err).toBe(0)
      expect(r.out).toMatch(/nodes: main@\w+, node1@\w+, node2@\w+/)
      expect(r.out).toMatch(/actor ran on node2@\w+/)
    } finally {
      await server.stop()
    }
  }, 60_000)

  it('run --nats validates its flags', async () => {
    expect((await troupe('run', 'x.ts', '--nats', 'localhost')).err).toMatch(/--nats must be a NATS URL/)
    expect((await troupe('run', 'x.ts', '--secret', 's')).err).toMatch(/--cluster and --secret go with --nats/)
  })

  it('run exits 1 when the entry fails, after stopping the cluster', async () => {
    const r = await troupe('run', 'test/fixtures/failingEntry.ts', '--nodes', '1')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/entry failed on purpose/)
  })

  it('demo runs the same program as pnpm demo', async () => {
    const r = await troupe('demo')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/troupe demo: 4 nodes render/)
    expect(r.out).toMatch(/0 threads left/)
  })
})
