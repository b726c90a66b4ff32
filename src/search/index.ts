/**
 * `vidmae/search`: Exact and approximate (HNSW) neighbours over stored vectors, near-duplicates, moments.
 *
 * @example
 * import { similarVideos } from "vidmae/search";
 * const hits = await similarVideos(vectors, { row: 0 }, { k: 5 });
 */
export { ExactIndex, exactSearch, type Neighbors } from "./exact.js";
export { AnnIndex, annIndexPath, updateAnnIndex, type AnnOptions, type AnnSpace } from "./ann.js";
export {
  similarVideos,
  nearDuplicates,
  searchMoments,
  DEFAULT_DUPLICATE_THRESHOLD,
  type SimilarHit,
  type SimilarOptions,
  type DuplicateGroup,
  type Moment,
} from "./similar.js";
export { METRICS, type Metric } from "./validate.js";
