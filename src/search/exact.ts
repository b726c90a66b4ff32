/**
 * Exact k-nearest-neighbour search over float32 rows: native score blocks ({@link scoreBlock}) streamed into the
 * k-NN engine's {@link TopK} (numeric/knn.ts), whose winners are re-ranked in double precision.
 */
import { VidmaeError } from "../errors.js";
import { TopK, type ExcludeGroups, type ScoreBlock } from "../numeric/knn.js";
import { pairDistance, prepareQueries, rowTerms, scoreBlock, toDistance } from "./scores.js";
import {
  checkMetric,
  checkPositiveInt,
  queryMatrix,
  rowCount,
  type Matrix,
  type Metric,
  type Queries,
} from "./validate.js";

/**
 * Neighbours of `q` queries as row-major `[q, k]` matrices, nearest first (equal distances: lower index first).
 * Slots with no neighbour (fewer than `k` candidates) hold index −1 and distance Infinity. Exact search returns
 * row positions (Int32Array); the approximate index returns its keys (Float64Array, as keys may pass 2³¹).
 *
 * @example
 * const { indices, distances, k } = await index.search(queries, 10);
 * indices[i * k + j]; // j-th neighbour of query i
 */
export interface Neighbors<I extends Int32Array | Float64Array = Int32Array> {
  indices: I;
  distances: Float32Array;
  k: number;
}

export type { ExcludeGroups } from "../numeric/knn.js";

/**
 * Distances from queries `queryStart … queryStart + queryCount − 1` to rows `rowStart … rowStart + rowCount − 1`,
 * row-major `[queryCount, rowCount]`.
 *
 * @example
 * await index.forEachDistanceBlock(q, (b) => b.distances[i * b.rowCount + j]); // query b.queryStart + i, row b.rowStart + j
 */
export interface DistanceBlock {
  queryStart: number;
  queryCount: number;
  rowStart: number;
  rowCount: number;
  distances: Float32Array;
}

/** Queries per native call: with {@link ROW_BLOCK} rows, a 64 MB score block (measured: larger is no faster). */
const QUERY_BLOCK = 1024;
/** Index rows per native call: 16k rows × 768 dims is a 48 MB view of the index, never copied. */
const ROW_BLOCK = 16384;

/**
 * Brute-force search over a fixed matrix; the per-row norm terms are computed once, at {@link ExactIndex.create}.
 *
 * @example
 * const index = ExactIndex.create({ dim: 768, data }, "cosine");
 * const { indices, distances } = await index.search({ dim: 768, data: queries }, 10);
 */
export class ExactIndex {
  private constructor(
    /** Vector length. */
    readonly dim: number,
    /** Number of rows. */
    readonly size: number,
    readonly metric: Metric,
    private readonly data: Float32Array,
    private readonly terms: Float32Array,
  ) {}

  /**
   * Wraps `vectors` (not copied: later changes to the data are searched, norms are not updated).
   *
   * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown metric, `E_SHAPE` when the data is not whole rows
   */
  static create(vectors: Matrix, metric: Metric = "cosine"): ExactIndex {
    checkMetric(metric);
    const size = rowCount(vectors.data, vectors.dim, "Index data");
    return new ExactIndex(
      vectors.dim,
      size,
      metric,
      vectors.data,
      rowTerms(vectors.data, vectors.dim, metric),
    );
  }

  /**
   * The `k` nearest rows of each query.
   *
   * @throws VidmaeError `E_INVALID_ARGUMENT` when k is not a positive integer, `E_SHAPE` on a dimension mismatch
   * @example
   * const { indices } = await index.search(vectors.data.subarray(0, 768), 5, {
   *   exclude: { rowGroups: rows.map((r) => r.videoId), queryGroups: [rows[0].videoId] },
   * });
   */
  async search(queries: Queries, k: number, options: { exclude?: ExcludeGroups } = {}): Promise<Neighbors> {
    checkPositiveInt(k, "k");
    const { data, count } = queryMatrix(queries, this.dim);
    const { exclude } = options;
    if (exclude && (exclude.rowGroups.length !== this.size || exclude.queryGroups.length !== count))
      throw new VidmaeError(
        "E_SHAPE",
        `exclude has ${exclude.rowGroups.length} row groups and ${exclude.queryGroups.length} query groups, ` +
          `but the index has ${this.size} rows and there are ${count} queries`,
      );
    const top = new TopK(count, k);
    await this.forEachScoreBlock(queries, (block) => top.offer(block, exclude));
    // The k winners' distances are recomputed in double precision (see SCORE_ERROR) and re-ranked by them.
    const { indices, distances } = top.finish(
      (row, query) => pairDistance(data, query, this.data, row, this.dim, this.metric),
      new Float32Array(count * k),
    );
    return { indices, distances, k };
  }

  /**
   * Calls `visit` with every block of query-to-row distances, queries in blocks of 1024 and rows in blocks of
   * 16384. Each block's array is fresh: the visitor may keep it. Distances come from float32 products, so an l2
   * distance near zero may be off by up to √(SCORE_ERROR · (‖q‖² + ‖x‖²)); settle close calls with
   * {@link pairDistance}.
   *
   * @param options.upperTriangle - the queries are the index's own rows: visit only rows ≥ the block's first
   *   query (each unordered pair once, plus some below-diagonal pairs inside diagonal blocks)
   * @example
   * await index.forEachDistanceBlock({ dim, data }, (b) => count(b.distances), { upperTriangle: true });
   */
  async forEachDistanceBlock(
    queries: Queries,
    visit: (block: DistanceBlock) => void,
    options: { upperTriangle?: boolean } = {},
  ): Promise<void> {
    await this.forEachScoreBlock(
      queries,
      ({ scores, ...block }, offsets) => {
        const n = block.rowCount;
        for (let i = 0; i < block.queryCount; i++)
          for (let j = i * n, end = j + n; j < end; j++)
            scores[j] = toDistance(scores[j], offsets[i], this.metric);
        visit({ ...block, distances: scores });
      },
      options,
    );
  }

  /** Like {@link forEachDistanceBlock} with raw scores and the block's query offsets (see scores.ts). */
  private async forEachScoreBlock(
    queries: Queries,
    visit: (block: ScoreBlock & { scores: Float32Array }, offsets: Float64Array) => void,
    options: { upperTriangle?: boolean } = {},
  ): Promise<void> {
    const { data, count } = queryMatrix(queries, this.dim);
    const d = this.dim;
    for (let q0 = 0; q0 < count; q0 += QUERY_BLOCK) {
      const qn = Math.min(QUERY_BLOCK, count - q0);
      const prepared = prepareQueries(data.subarray(q0 * d, (q0 + qn) * d), d, this.metric);
      for (let r0 = options.upperTriangle ? q0 : 0; r0 < this.size; r0 += ROW_BLOCK) {
        const rn = Math.min(ROW_BLOCK, this.size - r0);
        const scores = await scoreBlock(
          this.metric,
          prepared.data,
          this.data.subarray(r0 * d, (r0 + rn) * d),
          this.terms.subarray(r0, r0 + rn),
          d,
        );
        visit({ queryStart: q0, queryCount: qn, rowStart: r0, rowCount: rn, scores }, prepared.offsets);
      }
    }
  }
}

/**
 * One-shot exact search: {@link ExactIndex.create} then {@link ExactIndex.search}. Keep an ExactIndex to search
 * the same rows repeatedly (it computes the row norms once).
 *
 * @example
 * const { indices, distances } = await exactSearch({ dim: 768, data }, query, 10, { metric: "l2" });
 */
export function exactSearch(
  vectors: Matrix,
  queries: Queries,
  k: number,
  options: { metric?: Metric; exclude?: ExcludeGroups } = {},
): Promise<Neighbors> {
  return ExactIndex.create(vectors, options.metric ?? "cosine").search(queries, k, options);
}
