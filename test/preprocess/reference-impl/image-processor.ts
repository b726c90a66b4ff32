/**
 * Hugging Face `VideoMAEImageProcessor` for uint8 RGB frames: resize (Pillow, exact), center crop (zero padding
 * when the crop is larger, as HF's `center_crop`), rescale, normalize, channels-first — in one pass per frame.
 */
import { invalidParameterError } from "../../../src/errors.js";
import {
  DEFAULT_PREPROCESSOR_CONFIG,
  type PreprocessorConfig,
  type ResizeTarget,
} from "../../../src/preprocess/config.js";
import { Resampler, type Window } from "./resize.js";

/**
 * Top-left corner of a crop in the resized frame; negative or overhanging crops read zero (padding) outside it.
 *
 * @example
 * const centre: CropOffset = { top: 0, left: 37 };
 */
export interface CropOffset {
  top: number;
  left: number;
}

/**
 * Sizes a frame goes through: after the resize, and after the crop (the model's input size).
 *
 * @example
 * new VideoMAEImageProcessor().outputSize(240, 320);
 * // { resized: { height: 224, width: 298 }, crop: { height: 224, width: 224 } }
 */
export interface OutputSize {
  resized: { height: number; width: number };
  crop: { height: number; width: number };
}

/** How many resamplers (coefficient tables per input size) a processor keeps. */
const RESAMPLER_CACHE = 8;

/**
 * `VideoMAEImageProcessor` configured from a parsed `preprocessor_config.json`.
 *
 * @example
 * const p = new VideoMAEImageProcessor(await loadPreprocessorConfig("ckpt/preprocessor_config.json"));
 * const pixels = p.preprocessFrames(frames, 16, 720, 1280); // Float32Array [16, 3, 224, 224]
 */
export class VideoMAEImageProcessor {
  readonly config: PreprocessorConfig;
  /** Final float for each (channel, uint8 value): rescale then normalize collapse into a lookup. */
  readonly #values: Float32Array;
  readonly #resamplers = new Map<string, Resampler>();
  #window = new Uint8Array(0);

  constructor(config: PreprocessorConfig = DEFAULT_PREPROCESSOR_CONFIG) {
    this.config = config;
    this.#values = valueTable(config);
  }

  /**
   * The resized and cropped sizes of an `height x width` frame.
   *
   * @example
   * new VideoMAEImageProcessor().outputSize(720, 1280).resized; // { height: 224, width: 398 }
   */
  outputSize(height: number, width: number): OutputSize {
    const { doResize, size, doCenterCrop, cropSize } = this.config;
    const resized = doResize ? resizedSize(size, height, width) : { height, width };
    return { resized, crop: doCenterCrop ? { ...cropSize } : { ...resized } };
  }

  /**
   * Crop corners in a `resizedHeight x resizedWidth` frame: 1 is HF's center crop; 3 are VideoMAE's test-time
   * spatial views along the longer side (start, center, end; vertical when the frame is square or portrait),
   * centered on the shorter side.
   *
   * @example
   * new VideoMAEImageProcessor().cropOffsets(224, 398, 3);
   * // [{ top: 0, left: 0 }, { top: 0, left: 87 }, { top: 0, left: 174 }]
   */
  cropOffsets(resizedHeight: number, resizedWidth: number, crops: 1 | 3 = 1): CropOffset[] {
    if (crops !== 1 && crops !== 3) throw invalidParameterError("crops", "1 or 3", crops);
    const { crop } = this.outputSize(resizedHeight, resizedWidth);
    const dy = resizedHeight - crop.height;
    const dx = resizedWidth - crop.width;
    // Floor, as Python's `//`, so a crop larger than the frame is centered with the odd pixel of padding first.
    const center = { top: Math.floor(dy / 2), left: Math.floor(dx / 2) };
    if (crops === 1) return [center];
    if (resizedWidth > resizedHeight) {
      return dx > 0
        ? [0, center.left, dx].map((left) => ({ top: center.top, left }))
        : [center, center, center];
    }
    return dy > 0 ? [0, center.top, dy].map((top) => ({ top, left: center.left })) : [center, center, center];
  }

  /**
   * Only the resize step: `t` frames `[t, height, width, 3]` to `[t, resizedHeight, resizedWidth, 3]`, uint8,
   * the bytes HF passes on to the crop.
   *
   * @example
   * const small = new VideoMAEImageProcessor().resizeFrames(frames, 8, 48, 64); // [8, 224, 298, 3]
   */
  resizeFrames(frames: Uint8Array, t: number, height: number, width: number): Uint8Array {
    checkFrames(frames, t, height, width);
    const { resized } = this.outputSize(height, width);
    const frameBytes = height * width * 3;
    const outBytes = resized.height * resized.width * 3;
    const out = new Uint8Array(t * outBytes);
    const resampler = this.#resampler(height, width, resized.height, resized.width);
    const all = { top: 0, left: 0, height: resized.height, width: resized.width };
    for (let f = 0; f < t; f++) {
      if (resampler) resampler.resize(frames, f * frameBytes, all, out, f * outBytes);
      else out.set(frames.subarray(f * frameBytes, (f + 1) * frameBytes), f * outBytes);
    }
    return out;
  }

  /**
   * The whole processor: `t` frames `[t, height, width, 3]` (uint8 RGB) to `pixel_values` `[t, 3, cropH, cropW]`
   * per crop, crops one after another (`[crops, t, 3, cropH, cropW]`), written into `out` at `outOffset` (so a
   * batch is filled without copies) or into a new array. Each frame is resized only where some crop reads it.
   *
   * @param crops - crop corners in the resized frame; default the center crop ({@link cropOffsets})
   * @returns `out`, or the new array
   * @throws VidmaeError `E_INVALID_ARGUMENT` when sizes and buffer lengths disagree
   * @example
   * const p = new VideoMAEImageProcessor();
   * const x = p.preprocessFrames(frames, 16, 720, 1280); // Float32Array of 16 * 3 * 224 * 224
   */
  preprocessFrames(
    frames: Uint8Array,
    t: number,
    height: number,
    width: number,
    out?: Float32Array,
    outOffset = 0,
    crops?: readonly CropOffset[],
  ): Float32Array {
    checkFrames(frames, t, height, width);
    const { resized, crop } = this.outputSize(height, width);
    const views = crops ?? this.cropOffsets(resized.height, resized.width, 1);
    if (views.length === 0 || !views.every((c) => Number.isInteger(c.top) && Number.isInteger(c.left))) {
      throw invalidParameterError("crops", "non-empty array of integer {top, left}", crops);
    }
    const frameOut = 3 * crop.height * crop.width;
    const needed = views.length * t * frameOut;
    if (!Number.isInteger(outOffset) || outOffset < 0) {
      throw invalidParameterError("outOffset", "non-negative integer", outOffset);
    }
    const target = out ?? new Float32Array(outOffset + needed);
    if (target.length < outOffset + needed) {
      throw invalidParameterError(
        "out.length",
        `at least ${outOffset + needed} (outOffset + ${needed})`,
        target.length,
      );
    }

    const win = unionWindow(views, crop, resized);
    const resampler = this.#resampler(height, width, resized.height, resized.width);
    const frameBytes = height * width * 3;
    for (let f = 0; f < t; f++) {
      let src: Uint8Array = frames;
      let source: Source = { base: f * frameBytes, stride: width * 3, top: 0, left: 0, ...resized };
      if (resampler && win) {
        const bytes = win.height * win.width * 3;
        if (this.#window.length < bytes) this.#window = new Uint8Array(bytes);
        resampler.resize(frames, f * frameBytes, win, this.#window, 0);
        src = this.#window;
        source = { base: 0, stride: win.width * 3, top: win.top, left: win.left, ...resized };
      }
      views.forEach((view, i) => {
        const at = outOffset + (i * t + f) * frameOut;
        writeCrop(src, source, view, crop.height, crop.width, this.#values, target, at);
      });
    }
    return target;
  }

  /** Resampler for this input size, or undefined when the size is unchanged (Pillow then copies). */
  #resampler(inH: number, inW: number, outH: number, outW: number): Resampler | undefined {
    if (inH === outH && inW === outW) return undefined;
    const key = `${inH}x${inW}`;
    let r = this.#resamplers.get(key);
    if (!r) {
      if (this.#resamplers.size >= RESAMPLER_CACHE) this.#resamplers.clear();
      r = new Resampler(inH, inW, outH, outW, this.config.resample);
      this.#resamplers.set(key, r);
    }
    return r;
  }
}

/**
 * Where the resized pixels are: `src[base + (y - top) * stride + (x - left) * 3]` is pixel (y, x) of a
 * `height x width` resized frame, for y, x inside the stored window.
 */
interface Source {
  base: number;
  stride: number;
  top: number;
  left: number;
  height: number;
  width: number;
}

/** HF's resize target: the long edge is int(shortest_edge * long / short), truncated; a square counts as portrait. */
function resizedSize(size: ResizeTarget, height: number, width: number): { height: number; width: number } {
  if (!("shortestEdge" in size)) return { height: size.height, width: size.width };
  const s = size.shortestEdge;
  return width <= height
    ? { height: Math.trunc((s * height) / width), width: s }
    : { height: s, width: Math.trunc((s * width) / height) };
}

/** Per channel, the float HF produces from each uint8 value: f64 rescale cast to f32, then f32 normalize. */
function valueTable(c: PreprocessorConfig): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let ch = 0; ch < 3; ch++) {
    const mean = Math.fround(c.imageMean[ch]);
    const std = Math.fround(c.imageStd[ch]);
    for (let v = 0; v < 256; v++) {
      let x = c.doRescale ? Math.fround(v * c.rescaleFactor) : v;
      // f32 operands: rounding the f64 result once to f32 equals the f32 operation.
      if (c.doNormalize) x = Math.fround(Math.fround(x - mean) / std);
      table[ch * 256 + v] = x;
    }
  }
  return table;
}

/** The part of the resized frame that any crop reads, or undefined if all crops read only padding. */
function unionWindow(
  views: readonly CropOffset[],
  crop: { height: number; width: number },
  resized: { height: number; width: number },
): Window | undefined {
  const top = Math.max(0, Math.min(...views.map((v) => v.top)));
  const left = Math.max(0, Math.min(...views.map((v) => v.left)));
  const bottom = Math.min(resized.height, Math.max(...views.map((v) => v.top + crop.height)));
  const right = Math.min(resized.width, Math.max(...views.map((v) => v.left + crop.width)));
  return bottom > top && right > left ? { top, left, height: bottom - top, width: right - left } : undefined;
}

/** One crop of one frame into CHW floats at `at`; pixels outside the resized frame are HF's zero padding. */
function writeCrop(
  src: Uint8Array,
  s: Source,
  view: CropOffset,
  cropH: number,
  cropW: number,
  values: Float32Array,
  out: Float32Array,
  at: number,
): void {
  const plane = cropH * cropW;
  const pad0 = values[0];
  const pad1 = values[256];
  const pad2 = values[512];
  // Columns of the crop that fall inside the frame.
  const x0 = Math.min(cropW, Math.max(0, -view.left));
  const x1 = Math.max(x0, Math.min(cropW, s.width - view.left));
  for (let y = 0; y < cropH; y++) {
    const o = at + y * cropW;
    const sy = view.top + y;
    if (sy < 0 || sy >= s.height) {
      out.fill(pad0, o, o + cropW);
      out.fill(pad1, o + plane, o + plane + cropW);
      out.fill(pad2, o + 2 * plane, o + 2 * plane + cropW);
      continue;
    }
    if (x0 > 0 || x1 < cropW) {
      for (const [c, pad] of [pad0, pad1, pad2].entries()) {
        out.fill(pad, o + c * plane, o + c * plane + x0);
        out.fill(pad, o + c * plane + x1, o + c * plane + cropW);
      }
    }
    let p = s.base + (sy - s.top) * s.stride + (view.left + x0 - s.left) * 3;
    for (let x = x0; x < x1; x++, p += 3) {
      out[o + x] = values[src[p]];
      out[o + plane + x] = values[256 + src[p + 1]];
      out[o + 2 * plane + x] = values[512 + src[p + 2]];
    }
  }
}

function checkFrames(frames: Uint8Array, t: number, height: number, width: number): void {
  for (const [name, v] of [
    ["t", t],
    ["height", height],
    ["width", width],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw invalidParameterError(name, "positive integer", v);
  }
  const expected = t * height * width * 3;
  if (frames.length !== expected) {
    throw invalidParameterError("frames.length", `${expected} (t x height x width x 3)`, frames.length);
  }
}
