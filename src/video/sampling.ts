/**
 * Which frames of a video feed the model: pure index arithmetic on the decoded frame count L and the model's
 * `num_frames` T. All divisions are integer divisions, so no float rounding can move an index.
 */
import { invalidParameterError } from "../errors.js";

/** The sampling strategies: one clip spread over the video, or K clips of T frames taken every r frames. */
export const SAMPLING_STRATEGIES = ["uniform", "clips"] as const;

/** One of {@link SAMPLING_STRATEGIES}. */
export type SamplingStrategy = (typeof SAMPLING_STRATEGIES)[number];

/**
 * How to sample; `frameSampleRate` and `clips` apply to the `clips` strategy.
 *
 * @example
 * const opts: SamplingOptions = { strategy: "clips", frameSampleRate: 4, clips: 3 };
 */
export interface SamplingOptions {
  /** Default `uniform`. */
  strategy?: SamplingStrategy;
  /** r: distance between consecutive frames of a clip, default 4. */
  frameSampleRate?: number;
  /** K: number of clips, default 1. */
  clips?: number;
}

/**
 * Sampled clips (each T frame indices) and whether the video was shorter than one clip's window, in which case
 * the single clip was sampled uniformly instead.
 *
 * @example
 * const s: SampledClips = { clips: [[0, 4, 8, 12]], tooShort: false };
 */
export interface SampledClips {
  clips: number[][];
  tooShort: boolean;
}

/** floor(a / b) for integers a >= 0, b > 0, exact for any safe integer (a % b is exact, so is the division). */
function idiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

function checkPositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw invalidParameterError(name, "positive integer", value);
  }
}

/**
 * T indices spread over L frames: `floor((2i + 1) * L / (2T))`, the middle of each of T equal parts. Repeats
 * indices when L < T.
 *
 * @example
 * uniformIndices(10, 4); // [1, 3, 6, 8]
 */
export function uniformIndices(frameCount: number, numFrames: number): number[] {
  checkPositiveInteger("frameCount", frameCount);
  checkPositiveInteger("numFrames", numFrames);
  return Array.from({ length: numFrames }, (_, i) => idiv((2 * i + 1) * frameCount, 2 * numFrames));
}

/**
 * K clips of T frames taken every r frames (window w = (T-1)r + 1): one centred clip for K = 1, else starts
 * `k(L - w)/(K - 1)` rounded half up, k = 0..K-1. When L < w, one uniform clip and `tooShort: true`.
 *
 * @example
 * clipIndices(100, 4, { frameSampleRate: 2, clips: 2 }); // { clips: [[0, 2, 4, 6], [93, 95, 97, 99]], tooShort: false }
 */
export function clipIndices(
  frameCount: number,
  numFrames: number,
  options: Pick<SamplingOptions, "frameSampleRate" | "clips"> = {},
): SampledClips {
  const { frameSampleRate = 4, clips = 1 } = options;
  checkPositiveInteger("frameCount", frameCount);
  checkPositiveInteger("numFrames", numFrames);
  checkPositiveInteger("frameSampleRate", frameSampleRate);
  checkPositiveInteger("clips", clips);
  const window = (numFrames - 1) * frameSampleRate + 1;
  if (frameCount < window) return { clips: [uniformIndices(frameCount, numFrames)], tooShort: true };
  const slack = frameCount - window;
  const starts =
    clips === 1
      ? [idiv(slack, 2)]
      : Array.from({ length: clips }, (_, k) => idiv(2 * k * slack + clips - 1, 2 * (clips - 1)));
  return {
    clips: starts.map((start) => Array.from({ length: numFrames }, (_, i) => start + i * frameSampleRate)),
    tooShort: false,
  };
}

/**
 * Samples clips with the chosen strategy.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown strategy or a count that is not a positive integer
 * @example
 * sampleClips(300, 16); // { clips: [[9, 28, …, 290]], tooShort: false }
 * sampleClips(300, 16, { strategy: "clips", clips: 2 });
 */
export function sampleClips(
  frameCount: number,
  numFrames: number,
  options: SamplingOptions = {},
): SampledClips {
  const { strategy = "uniform", ...clipOptions } = options;
  if (strategy === "clips") return clipIndices(frameCount, numFrames, clipOptions);
  if (strategy !== "uniform")
    throw invalidParameterError("strategy", `one of: ${SAMPLING_STRATEGIES.join(", ")}`, strategy);
  return { clips: [uniformIndices(frameCount, numFrames)], tooShort: false };
}
