#!/usr/bin/env node
// The CLI is TypeScript: register tsx, then load it. (A bin must be JavaScript; Node 20
// cannot load .ts by itself.)
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))
