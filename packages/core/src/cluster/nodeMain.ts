/**
 * The module a worker-thread node imports (through boot.mjs) when running from sources or
 * from the per-module build. @internal
 */
import { runNode } from './runNode.js'

await runNode()
