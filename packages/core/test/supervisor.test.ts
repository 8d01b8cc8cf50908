import { describe, expect, it } from 'vitest'
import { createManualClock, createNode, defineBehaviour, describeReason, isDownMessage, reply, stop } from '../src/index.js'
import type { Node, Pid, ProcessContext } from '../src/index.js'
import {
  ChildStartFailed,
  SupervisorError,
  countChildren,
  deleteChild,
  restartChild,
  startChild,
  startSupervisor,
  stopSupervisor,
  supervisorChild,
  terminateChild,
  whichChildren,
} from '../src/supervisor/index.js'
import type { ChildSpec, SupervisorOptions } from '../src/supervisor/index.js'
import { normalizeChildSpec } from '../src/supervisor/childSpec.js'

// ------------------------------------------------------------------ helpers

function deferred<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * Monitors `pid` from a test process (the DOWN pattern); resolves once the monitor is in
 * place, with the DOWN reason to come.
 */
async function watch(node: Node, pid: Pid): Promise<{ down: Promise<unknown> }> {
  const ready = deferred()
  const down = deferred<unknown>()
  node.spawn(async (ctx: ProcessContext) => {
    const ref = ctx.monitor(pid)
    ready.resolve()
    const m = await ctx.receive((x) => isDownMessage(x) && x.ref === ref)
    down.resolve((m as { reason: unknown }).reason)
  })
  await ready.promise
  return { down: down.promise }
}

/** The exit reason of `pid`, from the node's inspection stream (leaves no process behind). */
function exited(node: Node, pid: Pid): Promise<unknown> {
  return new Promise((resolve) => {
    const off = node.inspect((e) => {
      if (e.type === 'exit' && e.pid === pid) {
        off()
        resolve(e.reason)
      }
    })
  })
}

/** A worker that logs its start and stop, traps exits (so it runs terminate), and exits with any reason cast to it. */
function recorder(log: string[]) {
  return defineBehaviour({
    init(ctx: ProcessContext, id: string) {
      ctx.trapExit(true)
      log.push(`start ${id}`)
      return id
    },
    handleCall: (_req: 'id', _from, id: string) => reply(id, id),
    handleCast: (reason: unknown, id: string) => stop(reason, id),
    terminate(reason, id: string) {
      log.push(`stop ${id} ${describeReason(reason)}`)
    },
  })
}

/** Makes the child exit with `reason` and waits until it is dead (its EXIT is then in the supervisor's mailbox). */
async function exitChild(node: Node, pid: Pid | 'restarting' | undefined, reason: unknown): Promise<void> {
  if (typeof pid !== 'string' || pid === 'restarting') throw new Error(`not a running child: ${String(pid)}`)
  const down = exited(node, pid)
  node.cast(pid, reason)
  expect(await down).toBe(reason)
}

async function pidOf(node: Node, sup: Pid, id: string): Promise<Pid> {
  const c = (await whichChildren(node, sup)).find((x) => x.id === id)
  if (c === undefined || typeof c.pid !== 'string' || c.pid === 'restarting') throw new Error(`${id} is not running`)
  return c.pid
}

function setup(opts: Omit<SupervisorOptions, 'children'> & { ids?: string[]; specs?: Partial<ChildSpec> } = {}) {
  const clock = createManualClock()
  const node = createNode({ clock })
  const log: string[] = []
  const worker = recorder(log)
  const { ids = ['a', 'b', 'c'], specs = {}, ...rest } = opts
  const children: ChildSpec[] = ids.map((id) => ({ id, start: { actor: worker, args: [id] }, ...specs }))
  return { clock, node, log, worker, start: () => startSupervisor(node, { ...rest, children }) }
}

// ------------------------------------------------------------------ start and stop

describe('start and stop order', () => {
  it('starts children in order and stops them in reverse order', async () => {
    const { node, log, start } = setup()
    const sup = await start()
    expect(log).toEqual(['start a', 'start b', 'start c'])
    expect((await whichChildren(node, sup)).map((c) => c.id)).toEqual(['a', 'b', 'c'])
    const down = exited(node, sup)
    await stopSupervisor(node, sup)
    expect(await down).toBe('shutdown')
    expect(log.slice(3)).toEqual(['stop c shutdown', 'stop b shutdown', 'stop a shutdown'])
    expect(node.processes()).toEqual([])
  })

  it('node.exit(sup, "shutdown") stops a root supervisor in order too', async () => {
    const { node, log, start } = setup({ ids: ['a', 'b'] })
    const sup = await start()
    const down = exited(node, sup)
    node.exit(sup, 'shutdown')
    expect(await down).toBe('shutdown')
    expect(log).toEqual(['start a', 'start b', 'stop b shutdown', 'stop a shutdown'])
  })

  it('a supervisor started from a process is linked to it, and stops in order when its parent exits', async () => {
    const { node, log, worker } = setup()
    const started = deferred<Pid>()
    const parent = node.spawn(async (ctx: ProcessContext) => {
      started.resolve(await startSupervisor(ctx, { children: [{ id: 'a', start: { actor: worker, args: ['a'] } }] }))
      await ctx.receive()
      ctx.exit('shutdown')
    })
    const sup = await started.promise
    expect(node.processInfo(sup)?.links).toEqual(expect.arrayContaining([parent]))
    const w = await watch(node, sup)
    node.send(parent, 'go')
    expect(await w.down).toBe('shutdown')
    expect(log).toEqual(['start a', 'stop a shutdown'])
  })

  it('registers the supervisor under options.name', async () => {
    const { node, start } = setup({ name: 'root', ids: ['a'] })
    const sup = await start()
    expect(node.whereis('root')).toBe(sup)
    expect((await whichChildren(node, { name: 'root' })).map((c) => c.id)).toEqual(['a'])
  })

  it('stopSupervisor of a dead supervisor rejects with noproc', async () => {
    const { node, start } = setup({ ids: [] })
    const sup = await start()
    await stopSupervisor(node, sup)
    await expect(stopSupervisor(node, sup)).rejects.toMatchObject({ tag: 'CallExited', reason: 'noproc' })
  })
})

// ------------------------------------------------------------------ strategies

describe('strategies', () => {
  it('one_for_one restarts only the child that exited', async () => {
    const { node, log, start } = setup({ strategy: 'one_for_one' })
    const sup = await start()
    const before = await whichChildren(node, sup)
    await exitChild(node, before[1]!.pid, 'boom')
    const after = await whichChildren(node, sup)
    expect(log.slice(3)).toEqual(['stop b boom', 'start b'])
    expect(after[0]!.pid).toBe(before[0]!.pid)
    expect(after[1]!.pid).not.toBe(before[1]!.pid)
    expect(after[2]!.pid).toBe(before[2]!.pid)
    expect(await node.call(after[1]!.pid as Pid, 'id')).toBe('b')
  })

  it('one_for_all stops the others in reverse order, then starts all in order', async () => {
    const { node, log, start } = setup({ strategy: 'one_for_all' })
    const sup = await start()
    const before = await whichChildren(node, sup)
    await exitChild(node, before[1]!.pid, 'boom')
    const after = await whichChildren(node, sup)
    expect(log.slice(3)).toEqual(['stop b boom', 'stop c shutdown', 'stop a shutdown', 'start a', 'start b', 'start c'])
    for (let i = 0; i < 3; i++) expect(after[i]!.pid).not.toBe(before[i]!.pid)
    expect(after.map((c) => c.id)).toEqual(['a', 'b', 'c'])
  })

  it('rest_for_one restarts the child and those started after it', async () => {
    const { node, log, start } = setup({ strategy: 'rest_for_one' })
    const sup = await start()
    const before = await whichChildren(node, sup)
    await exitChild(node, before[1]!.pid, 'boom')
    const after = await whichChildren(node, sup)
    expect(log.slice(3)).toEqual(['stop b boom', 'stop c shutdown', 'start b', 'start c'])
    expect(after[0]!.pid).toBe(before[0]!.pid)
    expect(after[1]!.pid).not.toBe(before[1]!.pid)
    expect(after[2]!.pid).not.toBe(before[2]!.pid)
  })

  it('one_for_all forgets temporary siblings it had to stop', async () => {
    const { node, log, worker } = setup()
    const sup = await startSupervisor(node, {
      strategy: 'one_for_all',
      children: [
        { id: 'a', start: { actor: worker, args: ['a'] } },
        { id: 't', start: { actor: worker, args: ['t'] }, restart: 'temporary' },
      ],
    })
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom')
    expect((await whichChildren(node, sup)).map((c) => c.id)).toEqual(['a'])
    expect(log).toEqual(['start a', 'start t', 'stop a boom', 'stop t shutdown', 'start a'])
  })
})

// ------------------------------------------------------------------ restart types

describe('restart types', () => {
  it.each([
    ['permanent', 'normal', true],
    ['permanent', 'shutdown', true],
    ['permanent', 'boom', true],
    ['transient', 'normal', false],
    ['transient', 'shutdown', false],
    ['transient', { shutdown: 'drained' }, false],
    ['transient', 'boom', true],
    ['temporary', 'boom', false],
    ['temporary', 'normal', false],
  ] as const)('%s child exiting with %j: restarted %s', async (restart, reason, restarted) => {
    const { node, log, start } = setup({ ids: ['a'], specs: { restart }, intensity: 5 })
    const sup = await start()
    await exitChild(node, await pidOf(node, sup, 'a'), reason)
    const children = await whichChildren(node, sup)
    if (restarted) {
      expect(log).toEqual(['start a', `stop a ${describeReason(reason)}`, 'start a'])
      expect(typeof children[0]!.pid).toBe('string')
    } else if (restart === 'temporary') {
      expect(children).toEqual([]) // a temporary child's spec goes with it
    } else {
      expect(children).toEqual([{ id: 'a', pid: undefined, type: 'worker' }])
    }
  })
})

// ------------------------------------------------------------------ intensity

describe('restart intensity', () => {
  it('exits with shutdown after more than `intensity` restarts in `period`, stopping the other children', async () => {
    const { node, log, start } = setup({ ids: ['a', 'b'], intensity: 1, period: 5000 })
    const sup = await start()
    const w = await watch(node, sup)
    const b = await pidOf(node, sup, 'b')
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom') // restart 1: allowed
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom') // restart 2: one too many
    expect(await w.down).toBe('shutdown')
    expect(log).toEqual(['start a', 'start b', 'stop a boom', 'start a', 'stop a boom', 'stop b shutdown'])
    expect(node.isAlive(b)).toBe(false)
  })

  it('forgets restarts older than `period` (on the node clock)', async () => {
    const { node, clock, start } = setup({ ids: ['a'], intensity: 1, period: 5000 })
    const sup = await start()
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom')
    clock.advance(5001)
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom')
    expect(node.isAlive(sup)).toBe(true)
    expect(await countChildren(node, sup)).toEqual({ specs: 1, active: 1, supervisors: 0, workers: 1 })
  })

  it('defaults to 1 restart in 5 s, as OTP', async () => {
    const { node, start } = setup({ ids: ['a'] })
    const sup = await start()
    const w = await watch(node, sup)
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom')
    expect(node.isAlive(sup)).toBe(true)
    await exitChild(node, await pidOf(node, sup, 'a'), 'boom')
    expect(await w.down).toBe('shutdown')
  })

  it('a child that fails at every restart is retried, counted, and the supervisor gives up', async () => {
    const node = createNode({ clock: createManualClock() })
    let starts = 0
    const fragile = defineBehaviour({
      init() {
        if (++starts > 1) throw new Error(`cannot start (attempt ${starts})`)
        return null
      },
      handleCast: (reason: unknown, s: null) => stop(reason, s),
    })
    const sup = await startSupervisor(node, { intensity: 3, children: [{ id: 'f', start: { actor: fragile } }] })
    const w = await watch(node, sup)
    await exitChild(node, await pidOf(node, sup, 'f'), 'boom')
    // Both calls queue behind the EXIT; the first retry is queued behind them.
    const [children, restarted] = await Promise.all([whichChildren(node, sup), restartChild(node, sup, 'f').catch((e: unknown) => e)])
    expect(children).toEqual([{ id: 'f', pid: 'restarting', type: 'worker' }])
    expect(restarted).toMatchObject({ tag: 'SupervisorError', reason: 'restarting' })
    expect(await w.down).toBe('shutdown')
    expect(starts).toBe(1 + 3) // the first start, then 3 failed restarts; the 4th restart exceeds intensity
  })
})

// ------------------------------------------------------------------ shutdown

describe('shutdown of a child', () => {
  it('kills a child whose terminate outlasts its shutdown timeout (on the node clock)', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const terminating = deferred()
    const hangs = defineBehaviour({
      init(ctx: ProcessContext) {
        ctx.trapExit(true)
        return null
      },
      terminate() {
        terminating.resolve()
        return new Promise<void>(() => {}) // never finishes
      },
    })
    const sup = await startSupervisor(node, { children: [{ id: 'h', start: { actor: hangs }, shutdown: 1000 }] })
    const pid = await pidOf(node, sup, 'h')
    const w = await watch(node, pid)
    const done = terminateChild(node, sup, 'h')
    await terminating.promise
    clock.advance(999)
    expect(node.isAlive(pid)).toBe(true)
    clock.advance(1)
    expect(await w.down).toBe('killed')
    await done
    expect(await whichChildren(node, sup)).toEqual([{ id: 'h', pid: undefined, type: 'worker' }])
    expect(clock.pending()).toBe(0)
  })

  it('does not wait for the timeout when the child stops in time', async () => {
    const { node, clock, log, start } = setup({ ids: ['a'], specs: { shutdown: 60_000 } })
    const sup = await start()
    await terminateChild(node, sup, 'a')
    expect(log).toEqual(['start a', 'stop a shutdown'])
    expect(clock.pending()).toBe(0)
  })

  it('brutal_kill kills at once: terminate does not run', async () => {
    const { node, log, start } = setup({ ids: ['a'], specs: { shutdown: 'brutal_kill' } })
    const sup = await start()
    const w = await watch(node, await pidOf(node, sup, 'a'))
    await terminateChild(node, sup, 'a')
    expect(await w.down).toBe('killed')
    expect(log).toEqual(['start a'])
  })

  it("'infinity' waits for as long as terminate takes", async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const finish = deferred()
    const slow = defineBehaviour({
      init(ctx: ProcessContext) {
        ctx.trapExit(true)
        return null
      },
      terminate: () => finish.promise,
    })
    const sup = await startSupervisor(node, { children: [{ id: 's', start: { actor: slow }, shutdown: 'infinity' }] })
    const w = await watch(node, await pidOf(node, sup, 's'))
    const done = terminateChild(node, sup, 's')
    clock.advance(1_000_000)
    expect(clock.pending()).toBe(0)
    finish.resolve()
    expect(await w.down).toBe('shutdown')
    await done
  })

  it('a process-function child that does not trap exits dies with shutdown', async () => {
    const node = createNode({ clock: createManualClock() })
    const idle = async (ctx: ProcessContext) => {
      await ctx.receive()
    }
    const sup = await startSupervisor(node, { children: [{ id: 'p', start: { actor: idle } }] })
    const w = await watch(node, await pidOf(node, sup, 'p'))
    await terminateChild(node, sup, 'p')
    expect(await w.down).toBe('shutdown')
  })
})

// ------------------------------------------------------------------ child operations

describe('child operations', () => {
  it('startChild appends and starts a child; duplicate ids are refused as OTP does', async () => {
    const { node, log, worker, start } = setup({ ids: ['a'] })
    const sup = await start()
    const d = await startChild(node, sup, { id: 'd', start: { actor: worker, args: ['d'] } })
    expect(await whichChildren(node, sup)).toEqual([
      { id: 'a', pid: expect.any(String), type: 'worker' },
      { id: 'd', pid: d, type: 'worker' },
    ])
    await expect(startChild(node, sup, { id: 'd', start: { actor: worker, args: ['d'] } })).rejects.toMatchObject({
      tag: 'SupervisorError',
      reason: 'already_started',
      pid: d,
    })
    await terminateChild(node, sup, 'd')
    const e = await startChild(node, sup, { id: 'd', start: { actor: worker, args: ['d'] } }).catch((x: unknown) => x)
    expect(SupervisorError.is(e) && e.reason).toBe('already_present')
    expect(log).toEqual(['start a', 'start d', 'stop d shutdown'])
  })

  it('terminateChild keeps the spec; restartChild starts it again; deleteChild forgets it', async () => {
    const { node, start } = setup({ ids: ['a', 'b'] })
    const sup = await start()
    await expect(restartChild(node, sup, 'a')).rejects.toMatchObject({ reason: 'running' })
    await expect(deleteChild(node, sup, 'a')).rejects.toMatchObject({ reason: 'running' })
    await terminateChild(node, sup, 'a')
    expect(await countChildren(node, sup)).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 })
    await terminateChild(node, sup, 'a') // already stopped: ok, as OTP
    const a = await restartChild(node, sup, 'a')
    expect(node.isAlive(a)).toBe(true)
    expect((await whichChildren(node, sup))[0]).toEqual({ id: 'a', pid: a, type: 'worker' })
    await terminateChild(node, sup, 'a')
    await deleteChild(node, sup, 'a')
    expect((await whichChildren(node, sup)).map((c) => c.id)).toEqual(['b'])
  })

  it('operations on an unknown id are refused with not_found', async () => {
    const { node, start } = setup({ ids: [] })
    const sup = await start()
    for (const op of [terminateChild, restartChild, deleteChild]) {
      const e = await op(node, sup, 'nope').catch((x: unknown) => x)
      expect(SupervisorError.is(e)).toBe(true)
      expect(e).toMatchObject({ child: 'nope', reason: 'not_found' })
    }
  })

  it('terminateChild of a temporary child forgets its spec', async () => {
    const { node, start } = setup({ ids: ['t'], specs: { restart: 'temporary' } })
    const sup = await start()
    await terminateChild(node, sup, 't')
    expect(await whichChildren(node, sup)).toEqual([])
  })

  it('countChildren counts supervisors and workers', async () => {
    const { node, worker } = setup()
    const sup = await startSupervisor(node, {
      children: [
        { id: 'w', start: { actor: worker, args: ['w'] } },
        supervisorChild('sub', { children: [{ id: 'x', start: { actor: worker, args: ['x'] } }] }),
      ],
    })
    expect(await countChildren(node, sup)).toEqual({ specs: 2, active: 2, supervisors: 1, workers: 1 })
    const sub = await pidOf(node, sup, 'sub')
    expect((await whichChildren(node, sub)).map((c) => c.id)).toEqual(['x'])
  })

  it('works from inside a process', async () => {
    const { node, worker, start } = setup({ ids: ['a'] })
    const sup = await start()
    const result = deferred<unknown>()
    node.spawn(async (ctx: ProcessContext) => {
      await startChild(ctx, sup, { id: 'b', start: { actor: worker, args: ['b'] } })
      result.resolve((await whichChildren(ctx, sup)).map((c) => c.id))
    })
    expect(await result.promise).toEqual(['a', 'b'])
  })
})

// ------------------------------------------------------------------ init failures

describe('init failures', () => {
  const failing = defineBehaviour({
    init(): null {
      throw new Error('no database')
    },
  })

  it('a child failing at start stops the children already started and rejects with its id and reason', async () => {
    const { node, log, worker } = setup()
    const e = await startSupervisor(node, {
      children: [
        { id: 'a', start: { actor: worker, args: ['a'] } },
        { id: 'db', start: { actor: failing } },
        { id: 'c', start: { actor: worker, args: ['c'] } },
      ],
    }).catch((x: unknown) => x)
    expect(ChildStartFailed.is(e)).toBe(true)
    expect(e).toMatchObject({ id: 'db', reason: expect.objectContaining({ message: 'no database' }) })
    expect(log).toEqual(['start a', 'stop a shutdown'])
    expect(node.processes()).toEqual([])
  })

  it('a nested supervisor failing to start fails its parent, naming itself', async () => {
    const { node } = setup()
    const e = await startSupervisor(node, { children: [supervisorChild('sub', { children: [{ id: 'db', start: { actor: failing } }] })] }).catch(
      (x: unknown) => x,
    )
    expect(e).toMatchObject({ tag: 'ChildStartFailed', id: 'sub', reason: { shutdown: { tag: 'ChildStartFailed', id: 'db' } } })
  })

  it('startChild reports the init failure and keeps no spec', async () => {
    const { node, start } = setup({ ids: ['a'] })
    const sup = await start()
    const e = await startChild(node, sup, { id: 'db', start: { actor: failing } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChildStartFailed)
    expect(e).toMatchObject({ id: 'db', reason: expect.objectContaining({ message: 'no database' }) })
    expect((await whichChildren(node, sup)).map((c) => c.id)).toEqual(['a'])
    expect(node.isAlive(sup)).toBe(true)
  })

  it('a spawn failure (a name already taken) is a start failure too', async () => {
    const { node, worker, start } = setup({ ids: ['a'] })
    const sup = await start()
    const holder = node.spawn(async (ctx: ProcessContext) => {
      await ctx.receive()
    })
    node.register('taken', holder)
    const e = await startChild(node, sup, { id: 'n', start: { actor: worker, args: ['n'], options: { name: 'taken' } } }).catch((x: unknown) => x)
    expect(e).toMatchObject({ tag: 'ChildStartFailed', id: 'n', reason: { tag: 'NameTaken' } })
  })

  it('init returning stop(reason) fails the same way', async () => {
    const node = createNode({ clock: createManualClock() })
    const refuses = defineBehaviour({ init: () => stop('no_config', null) })
    await expect(startSupervisor(node, { children: [{ id: 'r', start: { actor: refuses } }] })).rejects.toMatchObject({
      tag: 'ChildStartFailed',
      id: 'r',
      reason: 'no_config',
    })
  })
})

// ------------------------------------------------------------------ nesting

describe('nested supervisors', () => {
  it('a child supervisor that gives up is restarted by its parent; the tree stops depth-first in reverse', async () => {
    const { node, log, worker } = setup()
    const root = await startSupervisor(node, {
      children: [
        supervisorChild('sub', { intensity: 0, children: [{ id: 'a', start: { actor: worker, args: ['a'] } }] }),
        { id: 'b', start: { actor: worker, args: ['b'] } },
      ],
    })
    const sub = await pidOf(node, root, 'sub')
    const w = await watch(node, sub)
    await exitChild(node, await pidOf(node, sub, 'a'), 'boom')
    expect(await w.down).toBe('shutdown')
    const sub2 = await pidOf(node, root, 'sub')
    expect(sub2).not.toBe(sub)
    await stopSupervisor(node, root)
    expect(log).toEqual(['start a', 'start b', 'stop a boom', 'start a', 'stop b shutdown', 'stop a shutdown'])
  })
})

// ------------------------------------------------------------------ validation

describe('validation at the boundary', () => {
  const node = createNode()
  const worker = recorder([])
  const spec = (id: string): ChildSpec => ({ id, start: { actor: worker, args: [id] } })

  it.each<[string, unknown, RegExp]>([
    ['unknown option', { children: [], intensty: 1 }, /^options\.intensty is not a known option/],
    ['strategy', { strategy: 'one_for_some' }, /^options\.strategy must be one of 'one_for_one', 'one_for_all', 'rest_for_one'/],
    ['intensity', { intensity: -1 }, /^options\.intensity must be a non-negative integer/],
    ['intensity not integer', { intensity: 1.5 }, /^options\.intensity must be a non-negative integer/],
    ['period', { period: 0 }, /^options\.period must be a positive integer/],
    ['children', { children: 'a' }, /^options\.children must be an array/],
    ['duplicated id', { children: [spec('a'), spec('b'), spec('a')] }, /^options\.children\[2\]\.id is duplicated/],
    ['missing id', { children: [{ start: { actor: worker } }] }, /^options\.children\[0\]\.id must be a non-empty string/],
    ['actor', { children: [{ id: 'a', start: { actor: 42 } }] }, /^options\.children\[0\]\.start\.actor must be a behaviour or a process function/],
    ['restart', { children: [{ ...spec('a'), restart: 'sometimes' }] }, /^options\.children\[0\]\.restart must be one of 'permanent', 'transient', 'temporary'/],
    ['shutdown', { children: [{ ...spec('a'), shutdown: -5 }] }, /^options\.children\[0\]\.shutdown must be a non-negative integer \(ms\), 'infinity' or 'brutal_kill'/],
    ['type', { children: [{ ...spec('a'), type: 'manager' }] }, /^options\.children\[0\]\.type must be 'worker' or 'supervisor'/],
    ['unknown spec key', { children: [{ ...spec('a'), restarts: 'permanent' }] }, /^options\.children\[0\]\.restarts is not a known option/],
    ['unknown start key', { children: [{ id: 'a', start: { actor: worker, arg: [] } }] }, /^options\.children\[0\]\.start\.arg is not a known option/],
    ['args', { children: [{ id: 'a', start: { actor: worker, args: 'x' } }] }, /^options\.children\[0\]\.start\.args must be an array/],
  ])('rejects a bad %s synchronously, naming the option', (_label, options, message) => {
    expect(() => startSupervisor(node, options as SupervisorOptions)).toThrow(message)
  })

  it('validates startChild specs as `spec`', () => {
    const sup = node.pid // never reached: validation comes first
    expect(() => startChild(node, sup, { id: '', start: { actor: worker } })).toThrow(/^spec\.id must be a non-empty string/)
    expect(() => startChild(node, sup, { id: 'x' } as ChildSpec)).toThrow(/^spec\.start is required/)
    expect(() => startChild({} as Node, sup, spec('x'))).toThrow(/^from must be a Node or a process context/)
  })

  it('defaults shutdown by type: 5000 ms for workers, infinity for supervisors', async () => {
    expect(normalizeChildSpec({ id: 'w', start: { actor: worker } }, 'spec', true).shutdown).toBe(5000)
    expect(normalizeChildSpec(supervisorChild('s', {}), 'spec', true).shutdown).toBe('infinity')
    const clock = createManualClock()
    const n = createNode({ clock })
    const terminating = deferred()
    const hangs = defineBehaviour({
      init(ctx: ProcessContext) {
        ctx.trapExit(true)
        return null
      },
      terminate() {
        terminating.resolve()
        return new Promise<void>(() => {})
      },
    })
    const sup = await startSupervisor(n, { children: [{ id: 'h', start: { actor: hangs } }] })
    const pid = await pidOf(n, sup, 'h')
    const down = exited(n, pid)
    const done = terminateChild(n, sup, 'h')
    await terminating.promise
    clock.advance(4999)
    expect(n.isAlive(pid)).toBe(true)
    clock.advance(1)
    expect(await down).toBe('killed')
    await done
  })
})
