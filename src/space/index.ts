/**
 * `vidmae/space`: The embedding space: what made a vector, its key, and whether two vectors may be compared.
 *
 * @example
 * import { describeSpace } from "vidmae/space";
 * import { openStore, selectSpace } from "vidmae/store";
 * const store = await openStore("vidmae.db");
 * console.log(describeSpace(await selectSpace(store)));
 * // → 5d1f0c3a9b2e (MCG-NJU/videomae-base-finetuned-kinetics, head pooling, uniform T=16, 1 crop, fp32, dim 768)
 * await store.close();
 */
export {
  POOLINGS,
  PRECISIONS,
  keyedSpace,
  normalizeSpaceSpec,
  spaceKey,
  type EmbeddingSpace,
  type EmbeddingSpaceSpec,
  type KeyedSpace,
  type SamplingSpec,
} from "./spec.js";
export { assertSameSpace, describeSpace, type SpaceMismatch } from "./compare.js";
export { embedSettingsFor, samplingSpecFor, type EmbedSettings } from "./sampling.js";
