/**
 * ABS-style scheduling policies on troupe actors, reproducing three of ABS's test models:
 *  1. earliest deadline first over 100 calls with deadlines;
 *  2. a priority read from a field of the actor's state at each decision;
 *  3. priority by method name: 13 `first` calls run before any `second`.
 *
 * Run: pnpm tsx examples/policies/main.ts
 */
import { byMethod, createNode, defineBehaviour, definePolicy, earliestDeadlineFirst, reply, type Pid, type ReplyTo } from '@troupe/core'

const node = createNode({ name: 'abs' })

/** A worker that records the order in which it serves its calls. */
function worker<S extends { log: string[] }>(init: () => S, update: (s: S, req: { method: string; n: number }) => S = (s) => s) {
  return defineBehaviour({
    init,
    handleCall: (req: { method: string; n: number }, _from: ReplyTo, s: S) => {
      s.log.push(`${req.method}${req.n}`)
      return reply(s.log.length, update(s, req))
    },
  })
}

/** Queues every call before the worker runs (it starts on the node's next turn), then waits for all. */
async function burst(pid: Pid, calls: { method: string; n: number; deadline?: number }[]): Promise<void> {
  await Promise.all(calls.map(({ deadline, ...req }) => node.call(pid, req, deadline === undefined ? {} : { deadline })))
}

// 1. EDF: 100 calls whose deadlines are a shuffle of 10, 20, ..., 1000 ms.
{
  const log: string[] = []
  const pid = node.spawn(worker(() => ({ log })), [], { scheduler: earliestDeadlineFirst })
  // Deadlines are absolute (send time + deadline): 10 ms apart so a clock tick during the burst cannot reorder them.
  const deadlines = [...Array(100).keys()].map((i) => (((i * 37) % 100) + 1) * 10)
  await burst(pid, deadlines.map((deadline, n) => ({ method: 'job', n, deadline })))
  const servedDeadlines = log.map((e) => deadlines[Number(e.slice(3))]!)
  const ascending = servedDeadlines.every((d, i) => i === 0 || servedDeadlines[i - 1]! <= d)
  console.log(`EDF: served ${log.length} calls; deadlines in the order served: ${servedDeadlines.slice(0, 8).join(', ')}, ... ascending: ${ascending}`)
}

// 2. A priority read from the actor's state: serve the method named by `state.preferred`;
//    serving `c` makes `a` preferred, serving anything else makes `b` preferred.
{
  const log: string[] = []
  const prefer = definePolicy('preferFromState', (queue, preferred: string) => queue.find((i) => i.method === preferred) ?? queue[0], {
    args: (s: { preferred: string }) => [s.preferred] as [string],
  })
  const chain = worker(
    () => ({ log, preferred: 'c' }),
    (s, req) => ({ ...s, preferred: req.method === 'c' ? 'a' : 'b' }),
  )
  const pid = node.spawn(chain, [], { scheduler: prefer })
  await burst(pid, ['a', 'b', 'c', 'b', 'a'].map((method, n) => ({ method, n })))
  console.log(`state priority: sent a0 b1 c2 b3 a4, served ${log.join(' ')}`)
}

// 3. Priority by method name: `first` x13 interleaved with `second` x13.
{
  const log: string[] = []
  const named = worker(() => ({ log }))
  const pid = node.spawn(named, [], { scheduler: byMethod(['first', 'second']) })
  await burst(pid, [...Array(26).keys()].map((n) => ({ method: n % 2 ? 'first' : 'second', n })))
  const firsts = log.slice(0, 13).every((e) => e.startsWith('first'))
  console.log(`by method: the 13 first calls ran before every second call: ${firsts}`)
  console.log('order:', log.join(' '))
}
