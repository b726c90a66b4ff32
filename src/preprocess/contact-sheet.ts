/**
 * Contact sheets: one clip's preprocessed frames, de-normalised back to RGB and laid out in a grid, to look at
 * exactly what the model sees.
 */
import { PNG } from "pngjs";
import type { PreprocessorConfig } from "./config.js";

/**
 * A PNG of one clip `[T, 3, h, w]` (normalised pixel values) as a grid of up to 8 frames a row.
 *
 * @param pixels - the clip's pixel values, channels-first
 * @param config - the processor config that normalised them (mean, std, rescale)
 * @example
 * await writeFile("clip0.png", contactSheet(pixels.subarray(0, 16 * 3 * 224 * 224), 16, 224, 224, processor.config));
 */
export function contactSheet(
  pixels: Float32Array,
  frames: number,
  height: number,
  width: number,
  config: PreprocessorConfig,
): Buffer {
  const cols = Math.min(frames, 8);
  const rows = Math.ceil(frames / cols);
  const gap = 2;
  const png = new PNG({ width: cols * (width + gap) - gap, height: rows * (height + gap) - gap });
  png.data.fill(255);
  const scale = config.doRescale ? config.rescaleFactor : 1;
  for (let f = 0; f < frames; f++) {
    const x0 = (f % cols) * (width + gap);
    const y0 = Math.floor(f / cols) * (height + gap);
    for (let c = 0; c < 3; c++) {
      const mean = config.doNormalize ? config.imageMean[c] : 0;
      const std = config.doNormalize ? config.imageStd[c] : 1;
      const plane = (f * 3 + c) * height * width;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const v = (pixels[plane + y * width + x] * std + mean) / scale;
          png.data[((y0 + y) * png.width + x0 + x) * 4 + c] = Math.max(0, Math.min(255, Math.round(v)));
        }
    }
  }
  return PNG.sync.write(png);
}
