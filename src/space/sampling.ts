/**
 * The bridge between a space's sampling (`method`, as stored) and the embedder's clip settings (`strategy`, as
 * `Embedder.create` takes them): the one place that converts either way, so an embedder rebuilt for a space cuts
 * its clips exactly as the embedder that made the space.
 */
import type { SamplingOptions } from "../video/sampling.js";
import type { EmbeddingSpaceSpec, Pooling, SamplingSpec } from "./spec.js";

/**
 * The clip settings of an embedder, in the embedder's words.
 *
 * @example
 * const clip: ClipSettings = { numFrames: 16, sampling: { strategy: "clips", clips: 2, frameSampleRate: 4 }, crops: 1 };
 */
export interface ClipSettings {
  numFrames: number;
  sampling: SamplingOptions;
  crops: 1 | 3;
}

/**
 * The embedder options that reproduce a space: frames per clip, sampling, crops and pooling.
 *
 * @example
 * const embedder = await Embedder.create(model, { ...embedSettingsFor(space), batch: 4 });
 */
export interface EmbedSettings extends ClipSettings {
  pooling: Pooling;
}

/**
 * The embedder options that reproduce `space` (the model and its weights are the caller's to match). `uniform`
 * sampling gives no clip parameters: the embedder's defaults apply and do not change uniform sampling.
 *
 * @example
 * embedSettingsFor(space); // { numFrames: 8, sampling: { strategy: "clips", frameSampleRate: 2, clips: 2 }, crops: 1, pooling: "mean" }
 */
export function embedSettingsFor(space: EmbeddingSpaceSpec): EmbedSettings {
  const { method, numFrames, frameSampleRate, clips, crops } = space.sampling;
  return {
    numFrames,
    sampling: method === "clips" ? { strategy: method, frameSampleRate, clips } : { strategy: method },
    crops,
    pooling: space.pooling,
  };
}

/**
 * A space's sampling for an embedder's clip settings; clip parameters are kept only for `clips` sampling.
 *
 * @example
 * samplingSpecFor(embedder.spec); // { method: "uniform", numFrames: 16, crops: 1 }
 */
export function samplingSpecFor(clip: ClipSettings): SamplingSpec {
  const { strategy = "uniform", frameSampleRate, clips } = clip.sampling;
  return {
    method: strategy,
    numFrames: clip.numFrames,
    ...(strategy === "clips" ? { frameSampleRate, clips } : {}),
    crops: clip.crops,
  };
}

/**
 * Clip vectors one embedded video has in a space: K clips (one when the video was too short) times the crops.
 *
 * @example
 * clipVectorsPerVideo({ method: "clips", numFrames: 16, frameSampleRate: 4, clips: 3, crops: 3 }, false); // 9
 */
export function clipVectorsPerVideo(sampling: SamplingSpec, tooShort: boolean): number {
  const { method, clips = 1, crops } = sampling;
  return (method === "clips" && !tooShort ? clips : 1) * crops;
}
