/**
 * `troupe`: the command-line entry. Returns the exit code: 0 on success, 1 when the work
 * itself failed, 2 for a usage error (unknown command or flag, bad value).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usage } from './usage.js'
import { runEntry } from './runEntry.js'
import { runScript } from './runScript.js'

class UsageError extends Error {}

const HELP = { help: { type: 'boolean', short: 'h' } } as const

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options: { ...HELP, ...options }, allowPositionals, strict: true })
  } catch (e) {
    // parseArgs' own messages name the flag ("Unknown option '--x'"); keep them.
    throw new UsageError((e as Error).message)
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv
    if (command === undefined || command === '-h' || command === '--help') {
      console.log(usage.main)
      return command === undefined ? 2 : 0
    }
    switch (command) {
      case 'run': {
        const dashdash = rest.indexOf('--')
        const own = dashdash < 0 ? rest : rest.slice(0, dashdash)
        const passed = dashdash < 0 ? [] : rest.slice(dashdash + 1)
        const { values, positionals } = parse(
          own,
          { nodes: { type: 'string', short: 'n' }, nats: { type: 'string' }, cluster: { type: 'string' }, secret: { type: 'string' } } as const,
          true,
        )
        if (values.help) return help('run')
        if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs an entry module' : `run takes one entry module, got ${positionals.length}`)
        const nodes = values.nodes === undefined ? 1 : Number(values.nodes)
        if (!Number.isInteger(nodes) || nodes < 0 || nodes > 64) throw new UsageError(`--nodes must be an integer from 0 to 64, got "${String(values.nodes)}"`)
        if (values.nats === undefined && (values.cluster !== undefined || values.secret !== undefined))
          throw new UsageError('--cluster and --secret go with --nats')
        if (values.nats !== undefined && !/^(nats|tls|ws|wss):\/\/\S+$/.test(values.nats)) throw new UsageError(`--nats must be a NATS URL like nats://127.0.0.1:4222, got "${values.nats}"`)
        const nats = values.nats === undefined ? undefined : { url: values.nats, cluster: values.cluster ?? 'troupe', secret: values.secret ?? process.env.TROUPE_SECRET }
        return await runEntry(positionals[0]!, nodes, passed, nats)
      }
      case 'demo': {
        const { values } = parse(rest, {}, false)
        if (values.help) return help('demo')
        return runScript('demo', [])
      }
      case 'bench': {
        const { values, positionals } = parse(rest, {}, true)
        if (values.help) return help('bench')
        return runScript('bench', positionals)
      }
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    console.error(`troupe: ${e.message}\n\n${usage.main}`)
    return 2
  }
}

function help(command: keyof typeof usage): number {
  console.log(usage[command])
  return 0
}
