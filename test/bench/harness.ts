/**
 * The benchmark harness: each workload runs several times and its median is recorded next
 * to the raw baseline it is compared with, measured in the same run (figures on a shared
 * 2-core machine are noisy; ratios within one run are what compare).
 */
export interface Result {
  value: number
  unit: string
  ratio?: number
  vs?: string
}

export type Record = (name: string, value: number, unit: string, baseline?: { name: string; value: number }) => void

export function createRecorder(results: { [name: string]: Result }, goals: { [name: string]: string }): Record {
  return (name, value, unit, baseline) => {
    const r: Result = { value: round(value), unit }
    if (baseline !== undefined) {
      r.ratio = round(value / baseline.value)
      r.vs = baseline.name
    }
    results[name] = r
    const ratio = r.ratio !== undefined ? `  ratio ${r.ratio} vs ${r.vs}` : ''
    const goal = goals[name] !== undefined ? `  (goal ${goals[name]})` : ''
    console.log(`${name.padEnd(36)} ${String(r.value).padStart(14)} ${unit}${ratio}${goal}`)
  }
}

export function round(v: number): number {
  if (!Number.isFinite(v)) return v
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 1 ? 2 : 4
  return Number(v.toFixed(digits))
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Runs `fn` `runs` times (after one warm-up) and returns the median of what it returns. */
export async function medianOf(runs: number, fn: () => number | Promise<number>): Promise<number> {
  await fn()
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push(await fn())
  return median(xs)
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) {
    g()
    g()
  }
}
