import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * Runs a root package.json script exactly as `pnpm <name>` would (its command line, in the
 * repository root, with node_modules/.bin on PATH), so `troupe demo` cannot drift from `pnpm demo`.
 */
export function runScript(name: string, args: string[]): number {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts?: Record<string, string> }
  const script = pkg.scripts?.[name]
  if (script === undefined) throw new Error(`package.json has no "${name}" script`)
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  const r = spawnSync(`${script} ${quoted}`, {
    cwd: root,
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${root}node_modules/.bin${delimiter}${process.env.PATH ?? ''}` },
  })
  return r.status ?? 1
}
