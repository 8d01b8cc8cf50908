/**
 * Soak: a randomized storm of spawns, links, monitors, names, pg joins, messages and kills on
 * one node, checking the invariants OTP promises: every monitor fires exactly once, a dead
 * process leaves no name, pg membership, link or monitor behind, and nothing is left at the end.
 * Runs only with TROUPE_SOAK=1 (`pnpm test:soak`).
 */
import { describe, expect, it } from 'vitest'
import { createNode, defineBehaviour, type Pid, type Process, type Ref } from '@troupe/core'

const enabled = process.env.TROUPE_SOAK === '1'
const ROUNDS = Number(process.env.TROUPE_SOAK_ROUNDS ?? 3000)

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
}

describe.skipIf(!enabled)('core soak', () => {
  it(`survives ${ROUNDS} rounds of random faults with every invariant intact`, async () => {
    const node = createNode({ name: 'soak' })
    const rand = rng(7)
    const downs = new Map<Ref, number>()
    const expectedDowns = new Set<Ref>()
    const member = defineBehaviour({
      init: (ctx: Process, trap: boolean) => {
        ctx.trapExit(trap)
        return 0
      },
      handleInfo: (m: unknown, n: number) => {
        const d = m as { type?: string; ref?: Ref }
        if (d.type === 'DOWN') downs.set(d.ref!, (downs.get(d.ref!) ?? 0) + 1)
        return n + 1
      },
    })
    let messages = 0
    for (let round = 0; round < ROUNDS; round++) {
      const pids: Pid[] = []
      for (let i = 0; i < 500; i++) pids.push(node.spawn(member, [rand() < 0.3]))
      await null
      const pick = () => pids[Math.floor(rand() * pids.length)]!
      for (let i = 0; i < 500; i++) {
        const a = node._process(pick())
        const b = pick()
        if (a === undefined) continue
        const r = rand()
        if (r < 0.3) a.link(b)
        else if (r < 0.6) expectedDowns.add(a.monitor(b))
        else if (r < 0.7) node.pg('soak').join(`g${Math.floor(rand() * 10)}`, a.self)
        else if (r < 0.75 && node.whereis(`n${i % 50}`) === undefined && a.info().registeredName === undefined) node.register(`n${i % 50}`, a.self)
      }
      for (let i = 0; i < 5000; i++) {
        node.send(pick(), i)
        messages++
      }
      for (let i = 0; i < 100; i++) node.exit(pick(), ['kill', 'boom', 'normal', 'shutdown'][Math.floor(rand() * 4)]!)
      await new Promise((r) => setImmediate(r))
      // Every live process's links and monitors point at live processes.
      for (const pid of node.processes()) {
        const info = node.processInfo(pid)!
        for (const l of info.links) expect(node.isAlive(l)).toBe(true)
      }
      for (const g of node.pg('soak').whichGroups()) for (const m of node.pg('soak').getMembers(g)) expect(node.isAlive(m)).toBe(true)
      for (const n of node.registered()) expect(node.isAlive(node.whereis(n)!)).toBe(true)
      node.shutdown('kill')
      await new Promise((r) => setImmediate(r))
    }
    expect(node.processes()).toEqual([])
    expect(node.registered()).toEqual([])
    expect(node.pg('soak').whichGroups()).toEqual([])
    // A monitor fires at most once, and only monitors whose watcher outlived the target fire.
    for (const [, n] of downs) expect(n).toBe(1)
    expect(messages).toBe(ROUNDS * 5000)
  }, 600_000)
})
