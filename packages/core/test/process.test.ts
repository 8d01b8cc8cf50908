import { describe, expect, it } from 'vitest'
import { createManualClock, createNode, isExitMessage, MailboxFull, NotAlive, TIMEOUT, type Pid, type Process } from '../src/index.js'
import { deferred, exitOf, probe, settle } from './probe.js'

describe('spawn and send', () => {
  it('delivers messages from one sender in send order', async () => {
    const node = createNode()
    const p = await probe(node)
    for (let i = 0; i < 100; i++) node.send(p.pid, i)
    const got: unknown[] = []
    for (let i = 0; i < 100; i++) got.push(await p.next())
    expect(got).toEqual([...Array(100).keys()])
  })

  it('passes args and ends with normal when the function returns', async () => {
    const node = createNode()
    const seen = deferred<number>()
    const pid = node.spawn(async (_ctx: Process, a: number, b: number) => seen.resolve(a + b), [2, 3])
    const exit = exitOf(node, pid)
    expect(await seen.promise).toBe(5)
    expect(await exit).toBe('normal')
    expect(node.isAlive(pid)).toBe(false)
  })

  it('a throwing function exits with the error as reason', async () => {
    const node = createNode()
    const err = new Error('boom')
    const pid = node.spawn(async () => {
      throw err
    })
    expect(await exitOf(node, pid)).toBe(err)
  })

  it('ctx.exit(reason) ends the process with that reason', async () => {
    const node = createNode()
    const pid = node.spawn(async (ctx: Process) => {
      await ctx.receive()
      ctx.exit('done')
    })
    const exit = exitOf(node, pid)
    node.send(pid, 'go')
    expect(await exit).toBe('done')
  })

  it('drops sends to dead pids silently, like Erlang', async () => {
    const node = createNode()
    const pid = node.spawn(() => {})
    await exitOf(node, pid)
    expect(() => node.send(pid, 'late')).not.toThrow()
  })

  it('context calls on an exited process throw NotAlive', async () => {
    const node = createNode()
    const ctxOut = deferred<Process>()
    const pid = node.spawn(async (ctx: Process) => {
      ctxOut.resolve(ctx)
      await ctx.receive()
    })
    const ctx = await ctxOut.promise
    node.exit(pid, 'kill')
    expect(() => ctx.send(pid, 1)).toThrow(NotAlive)
  })
})

describe('selective receive', () => {
  it('takes the first matching message and keeps the others in order', async () => {
    const node = createNode()
    const out = deferred<unknown[]>()
    const pid = node.spawn(async (ctx: Process) => {
      const first = await ctx.receive((m) => m === 'c')
      const rest = [await ctx.receive(), await ctx.receive(), await ctx.receive()]
      out.resolve([first, ...rest])
    })
    node.send(pid, 'a')
    node.send(pid, 'b')
    node.send(pid, 'c')
    node.send(pid, 'd')
    expect(await out.promise).toEqual(['c', 'a', 'b', 'd'])
  })

  it('a waiting receive takes a matching message as it arrives, skipping others', async () => {
    const node = createNode()
    const out = deferred<unknown>()
    const pid = node.spawn(async (ctx: Process) => {
      out.resolve(await ctx.receive((m) => typeof m === 'number'))
    })
    await settle()
    node.send(pid, 'skip')
    expect(node.processInfo(pid)?.mailboxLength).toBe(1)
    node.send(pid, 7)
    expect(await out.promise).toBe(7)
  })

  it('times out with TIMEOUT on the injected clock, and 0 polls', async () => {
    const clock = createManualClock()
    const node = createNode({ clock })
    const out = deferred<unknown[]>()
    const pid = node.spawn(async (ctx: Process) => {
      const polled = await ctx.receive(undefined, { timeout: 0 })
      const waited = await ctx.receive((m) => m === 'never', { timeout: 1000 })
      const after = await ctx.receive(undefined, { timeout: 0 })
      out.resolve([polled, waited, after])
    })
    await settle()
    node.send(pid, 'other')
    clock.advance(999)
    await settle()
    expect(node.isAlive(pid)).toBe(true)
    clock.advance(1)
    expect(await out.promise).toEqual([TIMEOUT, TIMEOUT, 'other'])
  })

  it('rejects bad receive arguments', async () => {
    const node = createNode()
    const out = deferred<unknown>()
    node.spawn(async (ctx: Process) => {
      try {
        await ctx.receive(undefined, { timeout: -1 })
      } catch (e) {
        out.resolve(e)
      }
    })
    expect(await out.promise).toBeInstanceOf(RangeError)
  })
})

describe('links and exit signals', () => {
  it('spawnLink is atomic: a child that dies at once still kills its parent', async () => {
    const node = createNode()
    const parent = node.spawn(async (ctx: Process) => {
      ctx.spawnLink(() => {
        throw new Error('child crash')
      })
      await ctx.receive()
    })
    const reason = await exitOf(node, parent)
    expect((reason as Error).message).toBe('child crash')
  })

  it('a trapping process gets EXIT messages; normal exits do not kill linked processes', async () => {
    const node = createNode()
    const p = await probe(node, { trapExit: true })
    const child = p.ctx.spawnLink(async (ctx: Process) => {
      await ctx.receive()
    })
    node.send(child, 'go')
    expect(await p.next()).toEqual({ type: 'EXIT', from: child, reason: 'normal' })
    const q = await probe(node)
    const c2 = q.ctx.spawnLink(() => {})
    await exitOf(node, c2)
    expect(node.isAlive(q.pid)).toBe(true)
  })

  it('kill via exit/2 is untrappable and becomes killed for linked processes', async () => {
    const node = createNode()
    const watcher = await probe(node, { trapExit: true })
    const target = await probe(node, { trapExit: true })
    watcher.ctx.link(target.pid)
    node.exit(target.pid, 'kill')
    expect(node.isAlive(target.pid)).toBe(false)
    expect(await watcher.next()).toEqual({ type: 'EXIT', from: target.pid, reason: 'killed' })
  })

  it('kill arriving through a link can be trapped, and kills a non-trapping process with kill', async () => {
    const node = createNode()
    const trapper = await probe(node, { trapExit: true })
    const plain = await probe(node)
    const dying = await probe(node)
    trapper.ctx.link(dying.pid)
    plain.ctx.link(dying.pid)
    const plainExit = exitOf(node, plain.pid)
    dying.ctx.exit(dying.pid, 'kill') // exit(self, kill): dies with killed
    expect(await trapper.next()).toEqual({ type: 'EXIT', from: dying.pid, reason: 'killed' })
    expect(await plainExit).toBe('killed')

    const a = await probe(node, { trapExit: true })
    const b = await probe(node)
    a.ctx.link(b.pid)
    // b exits with reason kill (not via exit/2 to a): a receives it as a trappable link signal
    const bProc = b.ctx
    queueMicrotask(() => node.terminate(bProc as never, 'kill'))
    expect(await a.next()).toEqual({ type: 'EXIT', from: b.pid, reason: 'kill' })
  })

  it('exit(pid, normal) is ignored unless sent to itself', async () => {
    const node = createNode()
    const p = await probe(node)
    node.exit(p.pid, 'normal')
    expect(node.isAlive(p.pid)).toBe(true)
    const exit = exitOf(node, p.pid)
    p.ctx.exit(p.pid, 'normal')
    expect(await exit).toBe('normal')
  })

  it('a trapping process sees exit(self, normal) as a message', async () => {
    const node = createNode()
    const p = await probe(node, { trapExit: true })
    p.ctx.exit(p.pid, 'normal')
    expect(await p.next()).toEqual({ type: 'EXIT', from: p.pid, reason: 'normal' })
  })

  it('links are bidirectional and idempotent, and unlink stops propagation', async () => {
    const node = createNode()
    const a = await probe(node, { trapExit: true })
    const b = await probe(node)
    a.ctx.link(b.pid)
    a.ctx.link(b.pid)
    expect(node.processInfo(a.pid)!.links).toEqual([b.pid])
    expect(node.processInfo(b.pid)!.links).toEqual([a.pid])
    a.ctx.unlink(b.pid)
    expect(node.processInfo(b.pid)!.links).toEqual([])
    node.exit(b.pid, 'boom')
    await settle()
    expect(a.buffered()).toEqual([])
  })

  it('linking to a dead pid sends noproc back', async () => {
    const node = createNode()
    const dead = node.spawn(() => {})
    await exitOf(node, dead)
    const trapper = await probe(node, { trapExit: true })
    trapper.ctx.link(dead)
    expect(await trapper.next()).toEqual({ type: 'EXIT', from: dead, reason: 'noproc' })
    const plain = await probe(node)
    const exit = exitOf(node, plain.pid)
    plain.ctx.link(dead)
    expect(await exit).toBe('noproc')
  })

  it('a crash propagates through a long chain of links without overflowing the stack', async () => {
    const node = createNode()
    let prev: Pid = node.spawn(async (ctx: Process) => {
      await ctx.receive()
    })
    const first = prev
    const all: Pid[] = [first]
    for (let i = 0; i < 20_000; i++) {
      const p: Pid = node.spawn(async (ctx: Process, next: Pid) => {
        ctx.link(next)
        await ctx.receive()
      }, [prev])
      all.push(p)
      prev = p
    }
    await settle()
    const last = exitOf(node, prev)
    node.exit(first, 'boom')
    expect(await last).toBe('boom')
    expect(all.filter((p) => node.isAlive(p))).toEqual([])
  })
})

describe('monitors', () => {
  it('spawnMonitor is atomic and DOWN carries the reason', async () => {
    const node = createNode()
    const p = await probe(node)
    const { pid, ref } = p.ctx.spawnMonitor(() => {
      throw 'oops'
    })
    expect(await p.next()).toEqual({ type: 'DOWN', ref, pid, reason: 'oops' })
  })

  it('each monitor is independent; demonitor with flush removes a queued DOWN', async () => {
    const node = createNode()
    const w = await probe(node)
    const t = await probe(node)
    const r1 = w.ctx.monitor(t.pid)
    const r2 = w.ctx.monitor(t.pid)
    expect(r1).not.toBe(r2)
    expect(w.ctx.demonitor(r1)).toBe(true)
    expect(w.ctx.demonitor(r1)).toBe(false)
    node.exit(t.pid, 'bye')
    expect(await w.next()).toEqual({ type: 'DOWN', ref: r2, pid: t.pid, reason: 'bye' })

    const t2 = await probe(node)
    // A watcher waiting for something else, so the DOWN stays queued in its mailbox.
    const ctx2 = deferred<Process>()
    const w2 = node.spawn(async (ctx: Process) => {
      ctx2.resolve(ctx)
      await ctx.receive((m) => m === 'never')
    })
    const c = await ctx2.promise
    const r3 = c.monitor(t2.pid)
    const r4 = c.monitor(t2.pid)
    node.exit(t2.pid, 'gone')
    expect(node.processInfo(w2)!.mailboxLength).toBe(2)
    expect(c.demonitor(r3, { flush: true })).toBe(false)
    expect(node.processInfo(w2)!.mailboxLength).toBe(1)
    c.demonitor(r4, { flush: true })
    expect(node.processInfo(w2)!.mailboxLength).toBe(0)
  })

  it('monitoring a dead or unknown pid gives DOWN noproc; another node noconnection', async () => {
    const node = createNode({ name: 'n1' })
    const w = await probe(node)
    const ghost = '<n1.99999>' as Pid
    const ref = w.ctx.monitor(ghost)
    expect(await w.next()).toEqual({ type: 'DOWN', ref, pid: ghost, reason: 'noproc' })
    const far = '<elsewhere.1>' as Pid
    const ref2 = w.ctx.monitor(far)
    expect(await w.next()).toEqual({ type: 'DOWN', ref: ref2, pid: far, reason: 'noconnection' })
  })

  it('a dead watcher leaves no monitor behind', async () => {
    const node = createNode()
    const w = await probe(node)
    const t = await probe(node)
    w.ctx.monitor(t.pid)
    expect(node.processInfo(t.pid)!.monitoredBy).toBe(1)
    node.exit(w.pid, 'kill')
    expect(node.processInfo(t.pid)!.monitoredBy).toBe(0)
  })
})

describe('process flags, info and bounded mailboxes', () => {
  it('trapExit returns the old value', async () => {
    const node = createNode()
    const p = await probe(node)
    expect(p.ctx.trapExit(true)).toBe(false)
    expect(p.ctx.trapExit(false)).toBe(true)
    expect(node.processInfo(p.pid)!.trapExit).toBe(false)
  })

  it('reports status, mailbox length and messages handled', async () => {
    const node = createNode()
    const release = deferred<void>()
    const pid = node.spawn(async (ctx: Process) => {
      await ctx.receive((m) => m === 'first')
      await release.promise
      await ctx.receive()
    })
    expect(node.processInfo(pid)!.status).toBe('starting')
    await settle()
    expect(node.processInfo(pid)!.status).toBe('waiting')
    node.send(pid, 'x')
    node.send(pid, 'first')
    await settle()
    expect(node.processInfo(pid)).toMatchObject({ status: 'running', mailboxLength: 1, messagesHandled: 1 })
    release.resolve()
    await settle()
    expect(node.processInfo(pid)).toBeUndefined()
  })

  it('throws MailboxFull at the send site when the mailbox is at capacity', async () => {
    const node = createNode()
    const pid = node.spawn(async (ctx: Process) => void (await ctx.receive((m) => m === 'never')), [], { mailboxCapacity: 2 })
    await settle()
    node.send(pid, 1)
    node.send(pid, 2)
    let err: unknown
    try {
      node.send(pid, 3)
    } catch (e) {
      err = e
    }
    expect(MailboxFull.is(err)).toBe(true)
    expect(err).toMatchObject({ pid, capacity: 2 })
    expect(node.processInfo(pid)!.mailboxLength).toBe(2)
    // System signals are never refused.
    const w = await probe(node)
    w.ctx.link(pid)
    expect(node.processInfo(pid)!.links).toEqual([w.pid])
  })

  it('a busy process cannot starve the others (per-turn budget)', async () => {
    const node = createNode({ budget: 10 })
    const order: string[] = []
    const beh = {
      init: (_c: Process, tag: string) => tag,
      handleInfo: (_m: unknown, tag: string) => {
        order.push(tag)
        return tag
      },
    }
    const a = node.spawn(beh, ['a'])
    const b = node.spawn(beh, ['b'])
    for (let i = 0; i < 30; i++) node.send(a, i)
    for (let i = 0; i < 30; i++) node.send(b, i)
    await settle()
    expect(order.join('')).toBe('a'.repeat(10) + 'b'.repeat(10) + 'a'.repeat(10) + 'b'.repeat(10) + 'a'.repeat(10) + 'b'.repeat(10))
  })
})

describe('bad arguments', () => {
  const node = createNode()
  it.each([
    ['spawn a number', () => node.spawn(42 as never)],
    ['spawn args not an array', () => node.spawn(() => {}, 'x' as never)],
    ['unknown spawn option', () => node.spawn(() => {}, [], { trapexit: true } as never)],
    ['bad mailboxCapacity', () => node.spawn(() => {}, [], { mailboxCapacity: 0 })],
    ['send to a non-pid', () => node.send('nope' as Pid, 1)],
    ['exit a non-pid', () => node.exit(17 as never, 'x')],
    ['call with a bad timeout', () => node.call(node.pid as Pid<never, unknown>, 1, { timeout: -5 })],
    ['call with an unknown option', () => node.call(node.pid as Pid<never, unknown>, 1, { tmeout: 5 } as never)],
    ['bad node name', () => createNode({ name: 'has space' })],
    ['unknown node option', () => createNode({ nme: 'x' } as never)],
  ])('%s throws a TypeError/RangeError naming the argument', (_name, fn) => {
    let err: unknown
    try {
      fn()
    } catch (e) {
      err = e
    }
    expect(err instanceof TypeError || err instanceof RangeError).toBe(true)
    expect((err as Error).message).toMatch(/actor|args|options|to|pid|name/)
  })
})

describe('exit messages', () => {
  it('isExitMessage recognises trapped exits', async () => {
    const node = createNode()
    const p = await probe(node, { trapExit: true })
    p.ctx.spawnLink(() => {})
    expect(isExitMessage(await p.next())).toBe(true)
  })
})
