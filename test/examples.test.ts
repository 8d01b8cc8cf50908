/**
 * Every example in examples/ runs as a user would run it (`tsx examples/<name>/main.ts`),
 * must exit 0 on its own, and must print what it promises, so none can rot.
 */
import { execFile } from 'node:child_process'
import { readdirSync, existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const examples = readdirSync(new URL('../examples', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${root}/examples/${d.name}/main.ts`))
  .map((d) => d.name)

/** What each example must print (a line that shows it did its job). */
const png = join(mkdtempSync(join(tmpdir(), 'troupe-examples-')), 'demo.png')

const expected: { [name: string]: RegExp[] } = {
  demo: [
    /node4 joined the pool/,
    /crashing (node\d)[\s\S]*\1 went down/,
    /\d+ tile\(s\) rescheduled onto the surviving nodes/,
    /node5 joined the pool/,
    /progress: 300\/300 tiles \(100%\)/,
    /image written: .*demo\.png/,
    /slots 0\.\.299 \(300 assignments\), signatures and hash chain verified: true/,
    /0 threads left/,
  ],
  actors: [/balance: 150/, /auditor: account <bank\.1> went down \(normal\)/, /done/],
  supervision: [/restart/i],
  scheduler: [/slot/i, /verif/i],
  cluster: [/workers group: 5 members/, /DOWN: <node2\.1> \(noconnection\)/, /nodedown: node2/, /cluster stopped/],
  'nats-cluster': [/pool crunch: 3 members/, /nodedown: worker2@\w+ \(net_tick_timeout\)/, /cluster stopped/],
  pool: [/execute .* \{ ok: true, value: 832040 \}/, /placed tally total: 42/, /done/],
  policies: [/ascending: true/, /served c2 a0 b1 b3 a4/, /ran before every second call: true/],
}

function run(name: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `examples/${name}/main.ts`], { cwd: root, timeout: 60_000, env: { ...process.env, CI: 'true', TROUPE_DEMO_OUT: png } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })
    })
  })
}

describe('examples', () => {
  it('there are examples to run', () => {
    expect(examples).toContain('actors')
  })

  it.each(examples)('%s runs to completion', async (name) => {
    const { code, out } = await run(name)
    expect(code, out).toBe(0)
    for (const re of expected[name] ?? []) expect(out).toMatch(re)
    // The demo's picture: a PNG of the full image is well over 100 KB.
    if (name === 'demo') expect(statSync(png).size).toBeGreaterThan(100_000)
  }, 60_000)
})
