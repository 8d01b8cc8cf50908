import { describe, expect, it } from 'vitest'
import {
  CallExited,
  CallTimeout,
  InitFailed,
  createManualClock,
  createNode,
  defineBehaviour,
  noreply,
  reply,
  stop,
  type Pid,
  type Process,
  type ReplyTo,
} from '../src/index.js'
import { deferred, exitOf, probe, settle } from './probe.js'

const counter = defineBehaviour({
  init: (_ctx: Process, start: number) => start,
  handleCall: (req: 'get' | 'crash' | 'stop', _from: ReplyTo, n: number) => {
    if (req === 'crash') throw new Error('handler crash')
    if (req === 'stop') return stop('normal', n, 'bye')
    return reply(n, n)
  },
  handleCast: (by: number, n: number) => n + by,
})

describe('gen_server-style behaviours', () => {
  it('runs init with args, then casts and calls in order', async () => {
    const node = createNode()
    const c = node.spawn(counter, [10])
    node.cast(c, 1)
    node.cast(c, 2)
    expect(await node.call(c, 'get')).toBe(13)
  })

  it('stop with a reply answers the caller, then exits with the reason', async () => {
    const node = createNode()
    const c = node.spawn(counter, [0])
    const exit = exitOf(node, c)
    expect(await node.call(c, 'stop')).toBe('bye')
    expect(await exit).toBe('normal')
  })

  it('a handler that throws runs terminate and exits with the error; the caller gets CallExited', async () => {
    const node = createNode()
    const seen = deferred<unknown>()
    const b = defineBehaviour({
      init: () => 0,
      handleCall: (): never => {
        throw new Error('bad')
      },
      terminate: (reason: unknown) => seen.resolve(reason),
    })
    const pid = node.spawn(b)
    const err = await node.call(pid, 'x').catch((e: unknown) => e)
    expect(CallExited.is(err)).toBe(true)
    expect(((err as CallExited).reason as Error).message).toBe('bad')
    expect(((await seen.promise) as Error).message).toBe('bad')
  })

  it('noreply lets the server answer later with ctx.reply', async () => {
    const node = createNode()
    const b = defineBehaviour({
      init: () => [] as ReplyTo[],
      handleCall: (_req: 'wait' | 'release', from: ReplyTo, waiting: ReplyTo[], ctx: Process) => {
        if (_req === 'wait') return noreply([...waiting, from])
        for (const w of waiting) ctx.reply(w, 'released')
        return reply('ok', [])
      },
    })
    const pid = node.spawn(b)
    const a = node.call(pid, 'wait')
    const bb = node.call(pid, 'wait')
    expect(await node.call(pid, 'release')).toBe('ok')
    expect(await Promise.all([a, bb])).toEqual(['released', 'released'])
  })

  it('async handlers hold further messages until they settle', async () => {
    const node = createNode()
    const gate = deferred<void>()
    const log: string[] = []
    const b = defineBehaviour({
      init: () => 0,
      handleInfo: async (m: unknown, n: number) => {
        log.push(`start ${String(m)}`)
        if (m === 1) await gate.promise
        log.push(`end ${String(m)}`)
        return n + 1
      },
      handleCall: (_r: 'count', _f: ReplyTo, n: number) => reply(n, n),
    })
    const pid = node.spawn(b)
    node.send(pid, 1)
    node.send(pid, 2)
    await settle()
    expect(log).toEqual(['start 1'])
    gate.resolve()
    expect(await node.call(pid, 'count')).toBe(2)
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2'])
  })

  it('start waits for an async init and rejects with InitFailed when init fails', async () => {
    const node = createNode()
    const ok = defineBehaviour({ init: async () => 'ready', handleCall: (_r: 'state', _f: ReplyTo, s: string) => reply(s, s) })
    const pid = await node.start(ok)
    expect(await node.call(pid, 'state')).toBe('ready')
    const bad = defineBehaviour({
      init: async (): Promise<string> => {
        throw new Error('no db')
      },
    })
    const err = await node.start(bad).catch((e: unknown) => e)
    expect(InitFailed.is(err)).toBe(true)
    expect(((err as InitFailed).reason as Error).message).toBe('no db')
    const stopped = await node.start(defineBehaviour({ init: () => stop('ignore', 0) })).catch((e: unknown) => e)
    expect((stopped as InitFailed).reason).toBe('ignore')
  })

  it('a trapped EXIT from the parent runs terminate and exits with its reason', async () => {
    const node = createNode()
    const terminated = deferred<unknown>()
    const child = defineBehaviour({
      init: (ctx: Process) => {
        ctx.trapExit(true)
        return null
      },
      terminate: (reason: unknown) => terminated.resolve(reason),
    })
    const parent = await probe(node, { trapExit: true })
    const pid = await parent.ctx.startLink(child)
    const exit = exitOf(node, pid)
    parent.ctx.exit(pid, 'shutdown')
    expect(await terminated.promise).toBe('shutdown')
    expect(await exit).toBe('shutdown')
  })

  it('an async terminate delays the exit until it settles; kill cuts it short', async () => {
    const node = createNode()
    const never = new Promise<void>(() => {})
    const b = defineBehaviour({
      init: () => 0,
      handleCast: (_m: 'stop', n: number) => stop('normal', n),
      terminate: () => never,
    })
    const pid = node.spawn(b)
    node.cast(pid, 'stop')
    await settle()
    expect(node.processInfo(pid)!.status).toBe('exiting')
    const exit = exitOf(node, pid)
    node.exit(pid, 'kill')
    expect(await exit).toBe('killed')
  })
})

describe('call', () => {
  it('rejects with CallTimeout after the timeout and drops the late reply', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    let held: ReplyTo | undefined
    const b = defineBehaviour({
      init: () => 0,
      handleCall: (_r: 'slow', from: ReplyTo, n: number) => {
        held = from
        return noreply(n)
      },
    })
    const pid = node.spawn(b)
    const p = node.call(pid, 'slow', { timeout: 100 })
    await settle()
    clock.advance(100)
    const err = await p.catch((e: unknown) => e)
    expect(CallTimeout.is(err)).toBe(true)
    expect(err).toMatchObject({ pid, timeout: 100 })
    expect(() => node.reply(held!, 'late')).not.toThrow()
    expect(clock.pending()).toBe(0)
  })

  it('defaults to a 5 s timeout', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const pid = node.spawn(defineBehaviour({ init: () => 0, handleCall: (_r: 'x', _f: ReplyTo, n: number) => noreply(n) }))
    const p = node.call(pid, 'x')
    await settle()
    clock.advance(4999)
    await settle()
    clock.advance(1)
    expect(CallTimeout.is(await p.catch((e: unknown) => e))).toBe(true)
  })

  it('rejects with CallExited noproc for a dead pid or an unregistered name', async () => {
    const node = createNode()
    const pid = node.spawn(() => {})
    await exitOf(node, pid)
    const e1 = await node.call(pid, 'x').catch((e: unknown) => e)
    expect(e1).toMatchObject({ tag: 'CallExited', reason: 'noproc' })
    const e2 = await node.call({ name: 'nobody' }, 'x').catch((e: unknown) => e)
    expect(e2).toMatchObject({ tag: 'CallExited', reason: 'noproc' })
  })

  it('rejects when the callee dies mid-call, and settles exactly once', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const pid = node.spawn(defineBehaviour({ init: () => 0, handleCall: (_r: 'x', _f: ReplyTo, n: number) => noreply(n) }))
    let settled = 0
    const p = node.call(pid, 'x').then(
      () => settled++,
      (e: unknown) => {
        settled++
        return e
      },
    )
    await settle()
    node.exit(pid, 'kill')
    const err = await p
    expect(err).toMatchObject({ tag: 'CallExited', pid, reason: 'killed' })
    clock.advance(10_000)
    await settle()
    expect(settled).toBe(1)
  })

  it('a process-style actor can serve calls with CallRequest and reply', async () => {
    const node = createNode()
    const { CallRequest } = await import('../src/index.js')
    const pid = node.spawn(async (ctx: Process) => {
      const m = await ctx.receive((x) => x instanceof CallRequest)
      const req = m as InstanceType<typeof CallRequest<number>>
      ctx.reply(req.from, req.request * 2)
    }) as Pid<never, number, number>
    expect(await node.call(pid, 21)).toBe(42)
  })

  it('calls between processes work both ways', async () => {
    const node = createNode()
    const c = node.spawn(counter, [1])
    const result = deferred<number>()
    node.spawn(async (ctx: Process) => result.resolve(await ctx.call(c, 'get')))
    expect(await result.promise).toBe(1)
  })
})

describe('typed pids', () => {
  it('type-checks send, cast and call against the behaviour', () => {
    const node = createNode()
    const c = node.spawn(counter, [0])
    const typed = () => {
      node.cast(c, 5)
      // @ts-expect-error a counter is cast numbers, not strings
      node.cast(c, 'five')
      void node.call(c, 'get')
      // @ts-expect-error 'reset' is not a request the counter accepts
      void node.call(c, 'reset')
      const n: Promise<number> = node.call(c, 'get')
      void n
      // @ts-expect-error spawn checks init's arguments
      node.spawn(counter, ['zero'])
    }
    expect(typeof typed).toBe('function')
  })
})
