/**
 * The traditional baseline's features: raw pixels, downsampled. Each video becomes `frames` uniformly sampled
 * frames, each resized (Pillow-exact bilinear) to `size`×`size` and turned grey, flattened into one vector —
 * what PCA and LDA reduce in the textbook treatment of video classification. 8 frames of 8×8 by default: PCA
 * and LDA decompose a d × d scatter matrix, and d = 512 keeps that to about a second.
 */
import type { DenseMatrix } from "../numeric/matrix.js";
import { resizeRgb } from "../preprocess/resize.js";
import { decodeFrames } from "../video/decode.js";
import { probeVideo } from "../video/probe.js";
import { uniformIndices } from "../video/sampling.js";
import { mapConcurrent } from "./concurrency.js";

/** Options of {@link pixelFeatures}. */
export interface PixelFeatureOptions {
  /** Frames per video. @defaultValue 8 */
  frames?: number;
  /** Side of the square each frame is resized to. @defaultValue 8 */
  size?: number;
  /** Videos decoded at once. @defaultValue 2 */
  parallel?: number;
}

/**
 * One row per video of `frames · size²` grey levels in [0, 1] (ITU-R BT.601 luma of the resized RGB).
 *
 * @throws VidmaeError E_VIDEO naming a video FFmpeg cannot read
 * @example
 * const X = await pixelFeatures(["a.mp4", "b.mp4"]); // X.cols === 8 * 8 * 8
 */
export async function pixelFeatures(
  paths: readonly string[],
  options: PixelFeatureOptions = {},
): Promise<DenseMatrix<Float32Array>> {
  const { frames = 8, size = 8, parallel = 2 } = options;
  const cols = frames * size * size;
  const data = new Float32Array(paths.length * cols);
  await mapConcurrent(paths, parallel, async (path, row) => {
    const info = await probeVideo(path);
    const decoded = await decodeFrames(info, uniformIndices(info.frameCount, frames));
    const frameBytes = decoded.height * decoded.width * 3;
    for (let f = 0; f < frames; f++) {
      const rgb = decoded.frames.subarray(f * frameBytes, (f + 1) * frameBytes);
      const small = resizeRgb(rgb, decoded.height, decoded.width, size, size);
      const offset = row * cols + f * size * size;
      for (let p = 0; p < size * size; p++) {
        data[offset + p] = (0.299 * small[3 * p] + 0.587 * small[3 * p + 1] + 0.114 * small[3 * p + 2]) / 255;
      }
    }
  });
  return { data, rows: paths.length, cols };
}
