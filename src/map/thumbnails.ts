/**
 * Small thumbnails of videos (their middle frame) as PNG data URLs, for hover tooltips and neighbour lists. A video
 * that cannot be read gets an empty thumbnail: a map never fails over a picture.
 */
import { PNG } from "pngjs";
import { resizeRgb } from "../preprocess/resize.js";
import { decodeFrames } from "../video/decode.js";
import { probeVideo } from "../video/probe.js";

/** Options of {@link makeThumbnails}. */
export interface ThumbnailOptions {
  /** Longest side in pixels (default 96); smaller frames are not enlarged. */
  maxSide?: number;
  /** Videos decoded at once (default 2: one FFmpeg per core here). */
  concurrency?: number;
  /** Stops starting new videos when aborted; the ones not made stay empty. */
  signal?: AbortSignal;
  /** Videos finished (made or failed) and their number: once with 0 before the first, then after each. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The middle frame of a video, downscaled (Pillow-exact bilinear) to at most `maxSide` pixels a side, as a
 * `data:image/png;base64,…` URL.
 *
 * @throws VidmaeError `E_VIDEO` when the video cannot be probed or decoded
 * @example
 * const url = await videoThumbnail("clips/a.mp4", 96); // "data:image/png;base64,iVBOR…"
 */
export async function videoThumbnail(path: string, maxSide = 96, signal?: AbortSignal): Promise<string> {
  const info = await probeVideo(path);
  const { frames, width, height } = await decodeFrames(info, [Math.floor(info.frameCount / 2)], { signal });
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const rgb = scale < 1 ? resizeRgb(frames, height, width, h, w) : frames;
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) {
    png.data[4 * i] = rgb[3 * i];
    png.data[4 * i + 1] = rgb[3 * i + 1];
    png.data[4 * i + 2] = rgb[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 2 }).toString("base64")}`;
}

/**
 * Thumbnails of many videos, a few at a time; each path maps to its data URL, or to "" when the video could not
 * be read.
 *
 * @example
 * const thumbs = await makeThumbnails(rows.map((r) => r.path));
 * thumbs.get("clips/a.mp4"); // "data:image/png;base64,…" or ""
 */
export async function makeThumbnails(
  paths: readonly string[],
  options: ThumbnailOptions = {},
): Promise<Map<string, string>> {
  const { maxSide = 96, concurrency = 2, signal, onProgress } = options;
  const todo = [...new Set(paths)];
  const out = new Map(todo.map((p) => [p, ""]));
  let next = 0;
  let finished = 0;
  onProgress?.(0, todo.length);
  const worker = async () => {
    while (next < todo.length && !signal?.aborted) {
      const path = todo[next++];
      try {
        out.set(path, await videoThumbnail(path, maxSide, signal));
      } catch {
        // Deliberately empty: the point is still drawn, only its picture is missing.
      }
      onProgress?.(++finished, todo.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}
