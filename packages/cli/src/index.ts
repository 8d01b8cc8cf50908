/** @troupe/cli — the `troupe` command, also callable as a function. */
export { main } from './main.js'
export type { RunContext } from './runEntry.js'
