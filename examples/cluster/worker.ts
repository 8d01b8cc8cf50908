/** The actors of the cluster example. Other nodes spawn them by module URL and export name. */
import { defineBehaviour, reply, type Process, type ReplyTo } from '@troupe/core'

/** A worker that joins the pg group `workers` of its node's default scope and counts jobs. */
export const worker = defineBehaviour({
  init: (ctx: Process, id: number) => {
    ctx.node.pg().join('workers', ctx.self)
    return { id, jobs: 0 }
  },
  handleCall: (_req: 'job', _from: ReplyTo, s: { id: number; jobs: number }, ctx) =>
    reply(`job ${s.jobs + 1} done by worker ${s.id} on ${ctx.node.name}`, { ...s, jobs: s.jobs + 1 }),
})

/** Takes the node it runs on down, as a crash would. */
export function crashNode(): void {
  setTimeout(() => process.exit(1), 0)
}
