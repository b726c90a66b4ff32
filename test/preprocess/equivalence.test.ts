/**
 * The optimised preprocessing against the implementation it replaced (test/preprocess/reference-impl/), bit for
 * bit, on random sizes (odd, up- and downscaling), every filter, configs and crops, including padding.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePreprocessorConfig } from "../../src/preprocess/config.js";
import { VideoMAEImageProcessor, type CropOffset } from "../../src/preprocess/image-processor.js";
import { Resampler, type ResampleFilter } from "../../src/preprocess/resize.js";
import { VideoMAEImageProcessor as OldProcessor } from "./reference-impl/image-processor.js";
import { Resampler as OldResampler } from "./reference-impl/resize.js";

const FILTERS: ResampleFilter[] = ["box", "bilinear", "hamming", "bicubic", "lanczos"];
/** PIL's `Resampling` numbers, as `preprocessor_config.json` gives them. */
const PIL = { lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 } as const;

/** A seeded generator of integers in [lo, hi] and of noise bytes. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  const int = (lo: number, hi: number) => lo + (next() % (hi - lo + 1));
  const bytes = (n: number) => {
    const a = new Uint8Array(n);
    // Noise with runs of 0 and 255, so the clip at both ends and negative lobes are exercised.
    for (let i = 0; i < n; i++) a[i] = next() % 5 === 0 ? (next() % 2) * 255 : next() & 255;
    return a;
  };
  return { int, bytes, pick: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] };
}

/** Equal bit patterns (so -0 vs 0 or different NaNs would count as different). */
function assertSameBits(
  actual: Float32Array | Uint8Array,
  expected: Float32Array | Uint8Array,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  const i = a.findIndex((v, j) => v !== e[j]);
  assert.equal(i, -1, `${what}: first difference at byte ${i}`);
}

describe("optimised preprocessing equals the previous implementation bit for bit", () => {
  it("Resampler windows: random sizes, every filter", () => {
    const r = random(12);
    for (let n = 0; n < 200; n++) {
      const filter = r.pick(FILTERS);
      const [h, w] = [r.int(1, 60), r.int(1, 60)];
      // One axis in four keeps its size, so the horizontal-only and vertical-only paths run too.
      const oh = r.int(0, 3) === 0 ? h : r.int(1, 70);
      const ow = r.int(0, 3) === 0 ? w : r.int(1, 70);
      const top = r.int(0, oh - 1);
      const left = r.int(0, ow - 1);
      const win = { top, left, height: r.int(1, oh - top), width: r.int(1, ow - left) };
      const src = r.bytes(h * w * 3 + 5);
      const bytes = win.height * win.width * 3;
      const expected = new Uint8Array(bytes + 3);
      const actual = new Uint8Array(bytes + 3);
      new OldResampler(h, w, oh, ow, filter).resize(src, 5, win, expected, 3);
      new Resampler(h, w, oh, ow, filter).resize(src, 5, win, actual, 3);
      assertSameBits(actual, expected, `${filter} ${h}x${w} to ${oh}x${ow} ${JSON.stringify(win)}`);
    }
  });

  it("the processor: random frames, configs (resize, exact size, crop larger or smaller, off) and crops", () => {
    const r = random(2026);
    for (let n = 0; n < 150; n++) {
      const filter = r.pick(FILTERS);
      const json = {
        do_resize: r.int(0, 5) > 0,
        size:
          r.int(0, 3) > 0 ? { shortest_edge: r.int(1, 50) } : { height: r.int(1, 50), width: r.int(1, 50) },
        resample: PIL[filter],
        do_center_crop: r.int(0, 5) > 0,
        crop_size: { height: r.int(1, 50), width: r.int(1, 50) },
        do_rescale: r.int(0, 5) > 0,
        rescale_factor: r.pick([1 / 255, 0.5, 1 / 127.5]),
        do_normalize: r.int(0, 5) > 0,
        image_mean: [r.int(0, 100) / 100, 0.456, r.int(0, 100) / 100],
        image_std: [r.int(1, 100) / 100, 0.224, r.int(1, 100) / 100],
      };
      const config = parsePreprocessorConfig(json, "preprocessor_config.json");
      const [t, h, w] = [r.int(1, 3), r.int(1, 60), r.int(1, 60)];
      const frames = r.bytes(t * h * w * 3);
      const fresh = new VideoMAEImageProcessor(config);
      const old = new OldProcessor(config);
      const what = `${JSON.stringify(json)} on ${t}x${h}x${w}`;
      assertSameBits(
        fresh.resizeFrames(frames, t, h, w),
        old.resizeFrames(frames, t, h, w),
        `resize ${what}`,
      );

      const { resized, crop } = fresh.outputSize(h, w);
      const views: CropOffset[] = r.pick([
        fresh.cropOffsets(resized.height, resized.width, 1),
        fresh.cropOffsets(resized.height, resized.width, 3),
        [{ top: r.int(-crop.height, resized.height), left: r.int(-crop.width, resized.width) }],
      ]);
      const size = views.length * t * 3 * crop.height * crop.width;
      const expected = old.preprocessFrames(frames, t, h, w, new Float32Array(size + 2).fill(9), 1, views);
      const actual = fresh.preprocessFrames(frames, t, h, w, new Float32Array(size + 2).fill(9), 1, views);
      assertSameBits(actual, expected, `preprocess ${what} crops ${JSON.stringify(views)}`);
    }
  });

  it("720p and 1080p frames to 224 with the hub's config, center crop and 3 crops", () => {
    const r = random(7);
    const config = parsePreprocessorConfig(
      { image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] },
      "preprocessor_config.json",
    );
    const fresh = new VideoMAEImageProcessor(config);
    const old = new OldProcessor(config);
    for (const [h, w] of [
      [720, 1280],
      [1080, 1920],
      [1280, 720],
    ]) {
      const frames = r.bytes(h * w * 3);
      const { resized } = fresh.outputSize(h, w);
      for (const crops of [1, 3] as const) {
        const views = fresh.cropOffsets(resized.height, resized.width, crops);
        const expected = old.preprocessFrames(frames, 1, h, w, undefined, 0, views);
        assertSameBits(fresh.preprocessFrames(frames, 1, h, w, undefined, 0, views), expected, `${h}x${w}`);
      }
    }
  });
});
