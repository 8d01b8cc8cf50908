import { describe, expect, it } from 'vitest'
import { AlreadyRegistered, NameTaken, NoProc, createNode, type Process } from '../src/index.js'
import { exitOf, probe } from './probe.js'

describe('registered names', () => {
  it('register, whereis, send to a name, registered, unregister', async () => {
    const node = createNode()
    const p = await probe(node)
    node.register('logger', p.pid)
    node.register(['scheduler@1.0', 'abc'], (await probe(node)).pid)
    expect(node.whereis('logger')).toBe(p.pid)
    node.send({ name: 'logger' }, 'hello')
    expect(await p.next()).toBe('hello')
    expect(node.registered()).toEqual(['logger', ['scheduler@1.0', 'abc']])
    expect(node.whereis(['scheduler@1.0', 'abc'])).toBeDefined()
    expect(node.unregister('logger')).toBe(true)
    expect(node.unregister('logger')).toBe(false)
    expect(node.whereis('logger')).toBeUndefined()
  })

  it('a taken name or a second name is a typed error; a dead pid is noproc', async () => {
    const node = createNode()
    const a = await probe(node)
    const b = await probe(node)
    node.register('x', a.pid)
    expect(() => node.register('x', b.pid)).toThrow(NameTaken)
    expect(() => node.register('y', a.pid)).toThrow(AlreadyRegistered)
    node.exit(b.pid, 'kill')
    expect(() => node.register('z', b.pid)).toThrow(NoProc)
    expect(() => node.send({ name: 'nobody' }, 1)).toThrow(NoProc)
    expect(() => node.spawn(() => {}, [], { name: 'x' })).toThrow(NameTaken)
  })

  it('a tuple name never collides with a string name', async () => {
    const node = createNode()
    node.register('["a"]', (await probe(node)).pid)
    expect(node.whereis(['a'])).toBeUndefined()
  })

  it('releases the name before DOWN goes out, so a DOWN handler can take it at once', async () => {
    const node = createNode()
    const holder = await probe(node)
    node.register('service', holder.pid)
    const retaken = new Promise<unknown>((resolve) => {
      node.spawn(async (ctx: Process) => {
        ctx.monitor(holder.pid)
        await ctx.receive()
        try {
          ctx.register('service')
          resolve(node.whereis('service') === ctx.self)
        } catch (e) {
          resolve(e)
        }
        await ctx.receive()
      })
    })
    await Promise.resolve()
    await Promise.resolve()
    node.exit(holder.pid, 'crash')
    expect(await retaken).toBe(true)
  })

  it('spawn with a name registers atomically and the name goes with the process', async () => {
    const node = createNode()
    const pid = node.spawn(async (ctx: Process) => void (await ctx.receive()), [], { name: 'svc' })
    expect(node.whereis('svc')).toBe(pid)
    expect(node.processInfo(pid)!.registeredName).toBe('svc')
    const exit = exitOf(node, pid)
    node.send(pid, 'stop')
    await exit
    expect(node.whereis('svc')).toBeUndefined()
  })
})
