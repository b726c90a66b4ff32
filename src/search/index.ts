/**
 * `vidmae/search`: Exact and approximate (HNSW) neighbours over stored vectors, near-duplicates, moments.
 *
 * @example
 * import { similarVideos } from "vidmae/search";
 * import { openStore, selectSpace } from "vidmae/store";
 * const store = await openStore("vidmae.db");
 * const vectors = await store.loadVectors((await selectSpace(store)).id, { level: "video" });
 * const hits = await similarVideos(vectors, { row: 0 }, { k: 5 }); // the 5 nearest to the first stored video
 * console.log(hits.length); // → 5
 * await store.close();
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
