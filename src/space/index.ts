/**
 * `vidmae/space`: The embedding space: what made a vector, its key, and whether two vectors may be compared.
 *
 * @example
 * import { describeSpace } from "vidmae/space";
 * console.log(describeSpace(space));
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
