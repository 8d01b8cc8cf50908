import { describe, expect, it } from 'vitest'
import { createManualClock, createNode, defineBehaviour, describeReason, reply, stop } from '../src/index.js'
import type { Node, Pid, ProcessContext } from '../src/index.js'
import {
  ChildStartFailed,
  MaxChildren,
  SupervisorError,
  countChildren,
  dynamicSupervisorChild,
  startDynamicChild,
  startDynamicSupervisor,
  startSupervisor,
  stopSupervisor,
  terminateDynamicChild,
  whichChildren,
} from '../src/supervisor/index.js'
import type { DynamicSupervisorOptions } from '../src/supervisor/index.js'

/** The exit reason of `pid`, from the node's inspection stream. */
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

/** A worker that logs start/stop with its arguments and exits with any reason cast to it. */
function recorder(log: string[]) {
  return defineBehaviour({
    init(ctx: ProcessContext, ...args: unknown[]) {
      ctx.trapExit(true)
      const name = args.map(String).join(' ')
      log.push(`start ${name}`)
      return name
    },
    handleCall: (_req: 'name', _from, name: string) => reply(name, name),
    handleCast: (reason: unknown, name: string) => stop(reason, name),
    terminate(reason, name: string) {
      log.push(`stop ${name} ${describeReason(reason)}`)
    },
  })
}

async function exitChild(node: Node, pid: Pid, reason: unknown): Promise<void> {
  const down = exited(node, pid)
  node.cast(pid, reason)
  expect(await down).toBe(reason)
}

function setup(options: DynamicSupervisorOptions = {}) {
  const clock = createManualClock()
  const node = createNode({ clock })
  const log: string[] = []
  return { clock, node, log, worker: recorder(log), start: () => startDynamicSupervisor(node, options) }
}

describe('DynamicSupervisor', () => {
  it('starts with no children and adds them one at a time', async () => {
    const { node, log, worker, start } = setup()
    const sup = await start()
    expect(await whichChildren(node, sup)).toEqual([])
    const a = await startDynamicChild(node, sup, { start: { actor: worker, args: ['a'] } })
    const b = await startDynamicChild(node, sup, { start: { actor: worker, args: ['b'] } })
    expect(await whichChildren(node, sup)).toEqual([
      { id: undefined, pid: a, type: 'worker' },
      { id: undefined, pid: b, type: 'worker' },
    ])
    expect(await countChildren(node, sup)).toEqual({ specs: 2, active: 2, supervisors: 0, workers: 2 })
    expect(log).toEqual(['start a', 'start b'])
  })

  it('prepends extraArguments to every child, at restarts too', async () => {
    const { node, log, worker, start } = setup({ extraArguments: ['db', 7] })
    const sup = await start()
    const pid = await startDynamicChild(node, sup, { start: { actor: worker, args: ['x'] } })
    expect(await node.call(pid, 'name')).toBe('db 7 x')
    await exitChild(node, pid, 'boom')
    const [restarted] = await whichChildren(node, sup)
    expect(await node.call(restarted!.pid as Pid, 'name')).toBe('db 7 x')
    expect(log).toEqual(['start db 7 x', 'stop db 7 x boom', 'start db 7 x'])
  })

  it('refuses children beyond maxChildren with MaxChildren, and takes them again once there is room', async () => {
    const { node, worker, start } = setup({ maxChildren: 2 })
    const sup = await start()
    const a = await startDynamicChild(node, sup, { start: { actor: worker, args: ['a'] } })
    await startDynamicChild(node, sup, { start: { actor: worker, args: ['b'] } })
    const e = await startDynamicChild(node, sup, { start: { actor: worker, args: ['c'] } }).catch((x: unknown) => x)
    expect(MaxChildren.is(e)).toBe(true)
    expect(e).toMatchObject({ tag: 'MaxChildren', max: 2 })
    await terminateDynamicChild(node, sup, a)
    await expect(startDynamicChild(node, sup, { start: { actor: worker, args: ['c'] } })).resolves.toEqual(expect.any(String))
  })

  it('maxChildren 0 refuses every child', async () => {
    const { node, worker, start } = setup({ maxChildren: 0 })
    const sup = await start()
    await expect(startDynamicChild(node, sup, { start: { actor: worker } })).rejects.toBeInstanceOf(MaxChildren)
  })

  it('terminateDynamicChild stops the child by its shutdown rule and forgets it; unknown pids are not_found', async () => {
    const { node, log, worker, start } = setup()
    const sup = await start()
    const a = await startDynamicChild(node, sup, { start: { actor: worker, args: ['a'] } })
    await terminateDynamicChild(node, sup, a)
    expect(node.isAlive(a)).toBe(false)
    expect(await whichChildren(node, sup)).toEqual([])
    expect(log).toEqual(['start a', 'stop a shutdown'])
    const e = await terminateDynamicChild(node, sup, a).catch((x: unknown) => x)
    expect(SupervisorError.is(e)).toBe(true)
    expect(e).toMatchObject({ reason: 'not_found', child: a })
  })

  it.each([
    ['permanent', 'normal', true],
    ['permanent', 'boom', true],
    ['transient', 'normal', false],
    ['transient', { shutdown: 'done' }, false],
    ['transient', 'boom', true],
    ['temporary', 'boom', false],
  ] as const)('a %s child exiting with %j: restarted %s, else forgotten', async (restart, reason, restarted) => {
    const { node, worker, start } = setup()
    const sup = await start()
    const pid = await startDynamicChild(node, sup, { start: { actor: worker, args: ['a'] }, restart })
    await exitChild(node, pid, reason)
    const children = await whichChildren(node, sup)
    if (restarted) {
      expect(children).toHaveLength(1)
      expect(children[0]!.pid).not.toBe(pid)
      expect(node.isAlive(children[0]!.pid as Pid)).toBe(true)
    } else expect(children).toEqual([])
  })

  it('reports an init failure to startDynamicChild and keeps nothing', async () => {
    const { node, start } = setup()
    const sup = await start()
    const failing = defineBehaviour({
      init(): null {
        throw new Error('no socket')
      },
    })
    const e = await startDynamicChild(node, sup, { start: { actor: failing } }).catch((x: unknown) => x)
    expect(ChildStartFailed.is(e)).toBe(true)
    expect(e).toMatchObject({ id: undefined, reason: expect.objectContaining({ message: 'no socket' }) })
    expect(await countChildren(node, sup)).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 })
    expect(node.isAlive(sup)).toBe(true)
  })

  it('exits with shutdown when restarts exceed its intensity (default 3 in 5 s, as Elixir)', async () => {
    const { node, log, worker, start } = setup()
    const sup = await start()
    const supDown = exited(node, sup)
    const other = await startDynamicChild(node, sup, { start: { actor: worker, args: ['other'] } })
    let pid = await startDynamicChild(node, sup, { start: { actor: worker, args: ['a'] } })
    for (let i = 0; i < 3; i++) {
      await exitChild(node, pid, 'boom')
      pid = (await whichChildren(node, sup)).find((c) => c.pid !== other)!.pid as Pid
    }
    expect(node.isAlive(sup)).toBe(true)
    await exitChild(node, pid, 'boom')
    expect(await supDown).toBe('shutdown')
    expect(node.isAlive(other)).toBe(false)
    expect(log.at(-1)).toBe('stop other shutdown')
  })

  it('a child failing at every restart is retried until the supervisor gives up', async () => {
    const { node, start } = setup({ intensity: 2 })
    const sup = await start()
    let starts = 0
    const fragile = defineBehaviour({
      init() {
        if (++starts > 1) throw new Error('cannot start')
        return null
      },
      handleCast: (reason: unknown, s: null) => stop(reason, s),
    })
    const supDown = exited(node, sup)
    const pid = await startDynamicChild(node, sup, { start: { actor: fragile } })
    await exitChild(node, pid, 'boom')
    expect(await whichChildren(node, sup)).toEqual([{ id: undefined, pid: 'restarting', type: 'worker' }])
    expect(await supDown).toBe('shutdown')
    expect(starts).toBe(1 + 2)
  })

  it('stops all its children when stopped', async () => {
    const { node, log, worker, start } = setup()
    const sup = await start()
    for (const id of ['a', 'b', 'c']) await startDynamicChild(node, sup, { start: { actor: worker, args: [id] } })
    await stopSupervisor(node, sup)
    expect(log.slice(3).sort()).toEqual(['stop a shutdown', 'stop b shutdown', 'stop c shutdown'])
    expect(node.processes()).toEqual([])
  })

  it('kills children that outlast their shutdown timeout (on the node clock)', async () => {
    const { node, clock, start } = setup()
    const sup = await start()
    let terminating = 0
    let bothTold!: () => void
    const told = new Promise<void>((r) => (bothTold = r))
    const hangs = defineBehaviour({
      init(ctx: ProcessContext) {
        ctx.trapExit(true)
        return null
      },
      terminate() {
        if (++terminating === 2) bothTold()
        return new Promise<void>(() => {})
      },
    })
    const a = await startDynamicChild(node, sup, { start: { actor: hangs }, shutdown: 100 })
    const b = await startDynamicChild(node, sup, { start: { actor: hangs }, shutdown: 300 })
    const downs = [exited(node, a), exited(node, b)]
    const stopped = stopSupervisor(node, sup)
    // Both are told at once (Elixir stops a dynamic supervisor's children concurrently).
    await told
    clock.advance(100)
    expect(await downs[0]).toBe('killed')
    expect(node.isAlive(b)).toBe(true)
    clock.advance(200)
    expect(await downs[1]).toBe('killed')
    await stopped
  })

  it('runs under a supervisor with dynamicSupervisorChild', async () => {
    const { node, worker } = setup()
    const root = await startSupervisor(node, { children: [dynamicSupervisorChild('pool', { maxChildren: 1 })] })
    const [pool] = await whichChildren(node, root)
    expect(pool).toMatchObject({ id: 'pool', type: 'supervisor' })
    await startDynamicChild(node, pool!.pid as Pid, { start: { actor: worker, args: ['w'] } })
    await expect(startDynamicChild(node, pool!.pid as Pid, { start: { actor: worker, args: ['w'] } })).rejects.toBeInstanceOf(MaxChildren)
  })

  it.each<[string, unknown, RegExp]>([
    ['strategy', { strategy: 'one_for_all' }, /^options\.strategy must be 'one_for_one' for a dynamic supervisor/],
    ['maxChildren', { maxChildren: -1 }, /^options\.maxChildren must be a non-negative integer or Infinity/],
    ['extraArguments', { extraArguments: 'x' }, /^options\.extraArguments must be an array/],
    ['intensity', { intensity: 'many' }, /^options\.intensity must be a non-negative integer/],
    ['unknown option', { max_children: 3 }, /^options\.max_children is not a known option/],
  ])('rejects a bad %s synchronously', (_label, options, message) => {
    const node = createNode()
    expect(() => startDynamicSupervisor(node, options as DynamicSupervisorOptions)).toThrow(message)
  })
})
