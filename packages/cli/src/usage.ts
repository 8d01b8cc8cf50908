/** Help texts, one per command. */
export const usage = {
  main: `Usage: troupe <command> [options]

Commands:
  run <entry> [--nodes N] [--nats URL]
                            start a cluster of N more nodes and run <entry> on the first
  demo                      run the flagship demo (same as \`pnpm demo\`)
  bench [group...]          run the benchmarks (same as \`pnpm bench\`)

Options:
  -h, --help                show help (also after a command: \`troupe run --help\`)`,
  run: `Usage: troupe run <entry> [--nodes N] [--nats URL [--cluster NAME] [--secret S]]

Starts a cluster: this process's node plus N more nodes (default 1), then imports <entry>
(TypeScript or JavaScript) on this process's node, the first node of the cluster, and calls its
default export with { node, args, cluster } (or { node, args, nats } with --nats). Stops every
node when it returns.

Options:
  -n, --nodes N     more nodes to start, 0 to 64 (default 1): worker threads of this process,
                    or with --nats, child processes joined through the NATS server
  --nats URL        cluster over NATS (nats://host:port) instead of worker threads
  --cluster NAME    NATS cluster name (default troupe)
  --secret S        NATS cluster secret (default $TROUPE_SECRET, else a fresh random one)
  -h, --help        show this help
  --                pass the remaining arguments to the entry as args`,
  demo: `Usage: troupe demo

Runs the flagship demo, exactly as \`pnpm demo\` does.`,
  bench: `Usage: troupe bench [group...]

Runs the benchmarks, exactly as \`pnpm bench\` does, and writes bench-results.json.
Groups: core, policy, cluster, ... (all when none is given).`,
} as const
