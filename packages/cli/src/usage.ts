/** Help texts, one per command. */
export const usage = {
  main: `Usage: troupe <command> [options]

Commands:
  run <entry> [--nodes N]   start a local cluster of N worker-thread nodes and run <entry> on it
  demo                      run the flagship demo (same as \`pnpm demo\`)
  bench [group...]          run the benchmarks (same as \`pnpm bench\`)

Options:
  -h, --help                show help (also after a command: \`troupe run --help\`)`,
  run: `Usage: troupe run <entry> [--nodes N]

Starts a local cluster: this thread's node plus N worker-thread nodes (default 1), then imports
<entry> (TypeScript or JavaScript) on this thread's node, the first node of the cluster, and
calls its default export with { cluster, node, args }. Stops the cluster when it returns.

Options:
  -n, --nodes N   worker-thread nodes to start, 0 to 64 (default 1)
  -h, --help      show this help
  --              pass the remaining arguments to the entry as args`,
  demo: `Usage: troupe demo

Runs the flagship demo, exactly as \`pnpm demo\` does.`,
  bench: `Usage: troupe bench [group...]

Runs the benchmarks, exactly as \`pnpm bench\` does, and writes bench-results.json.
Groups: core, policy, cluster, ... (all when none is given).`,
} as const
