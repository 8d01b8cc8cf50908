/**
 * Every example in examples/ runs as a user would run it (`tsx examples/<name>/main.ts`),
 * must exit 0 on its own, and must print what it promises, so none can rot.
 */
import { execFile } from 'node:child_process'
import { readdirSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const examples = readdirSync(new URL('../examples', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${root}/examples/${d.name}/main.ts`))
  .map((d) => d.name)

/** What each example must print (a line that shows it did its job). */
const expected: { [name: string]: RegExp[] } = {
  actors: [/balance: 150/, /auditor: account <bank\.1> went down \(normal\)/, /done/],
  supervision: [/restart/i],
  scheduler: [/slot/i, /verif/i],
  cluster: [/workers group: 5 members/, /DOWN: <node2\.1> \(noconnection\)/, /nodedown: node2/, /cluster stopped/],
  pool: [/execute .* \{ ok: true, value: 832040 \}/, /placed tally total: 42/, /done/],
  policies: [/ascending: true/, /served c2 a0 b1 b3 a4/, /ran before every second call: true/],
}

function run(name: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `examples/${name}/main.ts`], { cwd: root, timeout: 60_000, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
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
  }, 60_000)
})
