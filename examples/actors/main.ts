/**
 * Two ways to write an actor, on one node:
 *  - a gen_server-style behaviour (a bank account) served with call and cast;
 *  - a process-style actor (an auditor) written as an async function with selective receive,
 *    that monitors the account and reports when it goes down.
 *
 * Run: pnpm tsx examples/actors/main.ts
 */
import { createNode, defineBehaviour, isDownMessage, reply, stop, TIMEOUT, type Pid, type Process, type ReplyTo } from '@troupe/core'

type Request = { op: 'balance' } | { op: 'withdraw'; amount: number } | { op: 'close' }
type Deposit = { amount: number }

const account = defineBehaviour({
  init: (_ctx: Process, opening: number) => opening,
  handleCast: (d: Deposit, balance: number) => balance + d.amount,
  handleCall: (req: Request, _from: ReplyTo, balance: number) => {
    switch (req.op) {
      case 'balance':
        return reply(balance, balance)
      case 'withdraw':
        return req.amount > balance ? reply({ ok: false as const, balance }, balance) : reply({ ok: true as const, balance: balance - req.amount }, balance - req.amount)
      case 'close':
        return stop('normal', balance, balance)
    }
  },
})

/** Logs every "audit" message it gets, in order, until the account it watches goes down. */
async function auditor(ctx: Process<string>, watched: Pid): Promise<void> {
  const ref = ctx.monitor(watched)
  for (;;) {
    const m = await ctx.receive((m) => typeof m === 'string' || isDownMessage(m), { timeout: 5000 })
    if (m === TIMEOUT) return ctx.exit('auditor timed out')
    if (isDownMessage(m) && m.ref === ref) {
      console.log(`auditor: account ${m.pid} went down (${String(m.reason)})`)
      return
    }
    console.log(`auditor: ${String(m)}`)
  }
}

const node = createNode({ name: 'bank' })
const acct = node.spawn(account, [100])
const audit = node.spawn(auditor, [acct])

node.cast(acct, { amount: 50 })
node.send(audit, 'deposited 50')
console.log('balance:', await node.call(acct, { op: 'balance' }))
console.log('withdraw 500:', await node.call(acct, { op: 'withdraw', amount: 500 }))
console.log('withdraw 30:', await node.call(acct, { op: 'withdraw', amount: 30 }))
node.send(audit, 'withdrew 30')
console.log('closed with', await node.call(acct, { op: 'close' }))

// Wait for the auditor to finish, by monitoring it from a last process.
await new Promise<void>((done) => {
  node.spawn(async (ctx: Process) => {
    ctx.monitor(audit)
    await ctx.receive(isDownMessage)
    done()
  })
})
console.log('done')
