/**
 * The demo's CPU-bound work: one tile of a Mandelbrot image, smooth-coloured. Runs in pool
 * threads (named by this module's URL and the export `renderTile`), so it is plain data in,
 * plain data out.
 */
import { progress } from '@troupe/pool/task'

export interface Tile {
  /** Tile position and size in pixels. */
  x: number
  y: number
  w: number
  h: number
  /** Whole image size in pixels. */
  width: number
  height: number
  maxIter: number
  /** Samples per pixel side: ss x ss samples averaged per pixel (anti-aliasing). */
  ss: number
}

export interface RenderedTile {
  x: number
  y: number
  w: number
  h: number
  /** RGBA, w*h*4 bytes. */
  rgba: Uint8Array
}


// The view: the seahorse valley, where the boundary is busy and tiles differ in cost.
const CX = -0.743643887037151
const CY = 0.13182590420533
const SPAN = 0.0055

/** Renders one tile, reporting the fraction done every few rows. */
export function renderTile(t: Tile): RenderedTile {
  const rgba = new Uint8Array(t.w * t.h * 4)
  const scale = SPAN / t.width
  const rgb = [0, 0, 0]
  for (let j = 0; j < t.h; j++) {
    for (let i = 0; i < t.w; i++) {
      let r = 0
      let g = 0
      let b = 0
      for (let sy = 0; sy < t.ss; sy++)
        for (let sx = 0; sx < t.ss; sx++) {
          const cr = CX + (t.x + i + (sx + 0.5) / t.ss - t.width / 2) * scale
          const ci = CY + (t.y + j + (sy + 0.5) / t.ss - t.height / 2) * scale
          sample(cr, ci, t.maxIter, rgb)
          r += rgb[0]!
          g += rgb[1]!
          b += rgb[2]!
        }
      const o = (j * t.w + i) * 4
      const k = t.ss * t.ss
      rgba[o] = r / k
      rgba[o + 1] = g / k
      rgba[o + 2] = b / k
      rgba[o + 3] = 255
    }
    if ((j + 1) % 10 === 0 || j + 1 === t.h) progress((j + 1) / t.h)
  }
  return { x: t.x, y: t.y, w: t.w, h: t.h, rgba }
}

/** The colour of one point: black inside the set, else its smooth escape count through a cosine palette. */
function sample(cr: number, ci: number, maxIter: number, out: number[]): void {
  let zr = 0
  let zi = 0
  let n = 0
  while (n < maxIter && zr * zr + zi * zi < 256) {
    const nr = zr * zr - zi * zi + cr
    zi = 2 * zr * zi + ci
    zr = nr
    n++
  }
  if (n === maxIter) {
    out[0] = out[1] = out[2] = 0
    return
  }
  // Smooth iteration count on a log scale, deep blue to gold.
  const mu = n + 1 - Math.log2(Math.log2(Math.sqrt(zr * zr + zi * zi)))
  const phase = Math.log(mu + 1) * 0.42
  out[0] = 255 * (0.5 + 0.5 * Math.cos(6.2832 * phase))
  out[1] = 255 * (0.5 + 0.5 * Math.cos(6.2832 * (phase + 0.15)))
  out[2] = 255 * (0.5 + 0.5 * Math.cos(6.2832 * (phase + 0.3)))
}

/** Cuts an image into tiles, row by row. */
export function tiles(width: number, height: number, size: number, maxIter: number, ss: number): Tile[] {
  const out: Tile[] = []
  for (let y = 0; y < height; y += size)
    for (let x = 0; x < width; x += size) out.push({ x, y, w: Math.min(size, width - x), h: Math.min(size, height - y), width, height, maxIter, ss })
  return out
}
