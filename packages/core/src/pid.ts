/**
 * Pids and refs are branded strings: cheap to make, `===`-comparable, usable as Map keys,
 * and structured-cloneable, so the same value works inside a node and across threads.
 * A Pid reads `<node.serial>`; serial 0 stands for the node itself (the sender of signals
 * that come from outside any process).
 */

declare const pidBrand: unique symbol
declare const protocol: unique symbol

/**
 * A process identifier. The phantom parameters type what the process accepts:
 * `Msg` for `send`/`cast`, `Req` and `Rep` for `call`. Function-typed phantoms make a Pid
 * that accepts more assignable where one that accepts less is expected. A bare `Pid` is
 * any pid.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Pid<Msg = any, Req = any, Rep = any> = string & {
  readonly [pidBrand]: true
  readonly [protocol]?: { msg: (m: Msg) => void; req: (r: Req) => void; rep: () => Rep }
}

declare const refBrand: unique symbol
/** A unique reference (monitors, calls, pg monitors), unique across the cluster. */
export type Ref = string & { readonly [refBrand]: true }

const NODE_NAME = /^[A-Za-z0-9_@:\-.]{1,200}$/

/** @internal */
export function validNodeName(name: unknown): name is string {
  return typeof name === 'string' && NODE_NAME.test(name)
}

/** @internal */
export function makePid(node: string, serial: number): Pid {
  return `<${node}.${serial}>` as Pid
}

/** @internal */
export function makeRef(node: string, serial: number): Ref {
  return `#Ref<${node}.${serial}>` as Ref
}

/** True when `value` has the shape of a Pid. */
export function isPid(value: unknown): value is Pid {
  return (
    typeof value === 'string' &&
    value.charCodeAt(0) === 60 /* < */ &&
    value.charCodeAt(value.length - 1) === 62 /* > */ &&
    value.lastIndexOf('.') > 1
  )
}

/** The name of the node a Pid lives on. */
export function nodeOf(pid: Pid): string {
  return pid.slice(1, pid.lastIndexOf('.'))
}
