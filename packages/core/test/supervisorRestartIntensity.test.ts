import { describe, expect, it } from 'vitest'
import { checkRestartIntensity } from '../src/supervisor/index.js'

describe('checkRestartIntensity', () => {
  it.each<[string, number[], number, number, number, 'ok' | 'exceeded', number[]]>([
    // label, restarts before, now, intensity, period, verdict, restarts after
    ['first restart within the default 1 per 5 s', [], 0, 1, 5000, 'ok', [0]],
    ['second restart within the period', [0], 10, 1, 5000, 'exceeded', [0, 10]],
    ['a restart exactly `period` old still counts (OTP)', [0], 5000, 1, 5000, 'exceeded', [0, 5000]],
    ['a restart older than the period is forgotten', [0], 5001, 1, 5000, 'ok', [5001]],
    ['intensity 0 allows no restart', [], 0, 0, 5000, 'exceeded', [0]],
    ['up to intensity restarts are fine', [0, 1], 2, 3, 1000, 'ok', [0, 1, 2]],
    ['intensity + 1 within the period is too many', [0, 1, 2], 3, 3, 1000, 'exceeded', [0, 1, 2, 3]],
    ['old restarts slide out of the window', [0, 100, 200], 1150, 3, 1000, 'ok', [200, 1150]],
    ['restarts at the same instant all count', [7, 7], 7, 2, 1, 'exceeded', [7, 7, 7]],
    ['a period of 1 ms keeps only this and the previous ms', [0, 1], 2, 1, 1, 'exceeded', [1, 2]],
  ])('%s', (_label, before, now, intensity, period, verdict, after) => {
    const r = checkRestartIntensity(before, now, { intensity, period })
    expect(r.verdict).toBe(verdict)
    expect(r.restarts).toEqual(after)
  })

  it('does not change the list it is given', () => {
    const before = Object.freeze([0, 1])
    const r = checkRestartIntensity(before, 2, { intensity: 5, period: 10 })
    expect(before).toEqual([0, 1])
    expect(r.restarts).not.toBe(before)
  })

  it('a child failing on every restart exhausts any intensity at a frozen clock', () => {
    for (const intensity of [0, 1, 3, 10]) {
      let restarts: readonly number[] = []
      let attempts = 0
      for (;;) {
        const r = checkRestartIntensity(restarts, 0, { intensity, period: 5000 })
        restarts = r.restarts
        attempts++
        if (r.verdict === 'exceeded') break
      }
      expect(attempts).toBe(intensity + 1)
    }
  })
})
