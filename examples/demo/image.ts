/** Assembles rendered tiles into one image and writes it as a PNG (with pngjs). */
import { writeFileSync } from 'node:fs'
import { PNG } from 'pngjs'
import type { RenderedTile } from './render.js'

export class Image {
  private readonly png: PNG
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height })
  }

  put(t: RenderedTile): void {
    const rgba = t.rgba instanceof Uint8Array ? t.rgba : new Uint8Array(t.rgba as ArrayLike<number>)
    for (let j = 0; j < t.h; j++) {
      const from = j * t.w * 4
      this.png.data.set(rgba.subarray(from, from + t.w * 4), ((t.y + j) * this.width + t.x) * 4)
    }
  }

  write(path: string): void {
    writeFileSync(path, PNG.sync.write(this.png))
  }
}
