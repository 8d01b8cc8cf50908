/** The goals from the issues, printed beside each figure. */
export const goals: { [metric: string]: string } = {
  'core.send_oneway': '>= 10 M msgs/s, ratio >= 0.8',
  'core.pingpong': '>= 3.5 M/s',
  'core.ring_10k': '>= 5 M hops/s',
  'core.spawn_exit': '>= 1 M/s',
  'core.monitor_down_p50_us': '<= 2 µs',
  'core.pg_join': '>= 200 k/s',
  'core.pg_get_members_100_us': '<= 0.5 µs',
  'core.bytes_per_idle_process': '<= 400 bytes',
  'policy.edf_keyed_10k_queue': '>= 1 M decisions/s',
  'policy.fifo_overhead': 'ratio >= 0.95',
  'scheduler.assign_rsa': 'ratio >= 0.85',
  'scheduler.assign_ed25519': '>= 20 k/s',
  'scheduler.recover_100k_ms': '<= 50 ms',
  'scheduler.get_schedule_1000_ms': '<= 20 ms',
}
