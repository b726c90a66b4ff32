/**
 * Exact k-nearest-neighbour search over float32 rows: native score blocks ({@link scoreBlock}), then a
 * typed-array max-heap per query keeps the k best. The selection is hand-written because no library selects
 * from a score block without allocating an object per pair.
 */
import { VidmaeError } from "../errors.js";
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

/**
 * Rows to leave out per query: row `r` is skipped for query `i` when `rowGroups[r] === queryGroups[i]` — the
 * query's own row (groups = row positions) or every row of its video (groups = video ids).
 *
 * @example
 * const exclude: ExcludeGroups = { rowGroups: rows.map((r) => r.videoId), queryGroups: [rows[7].videoId] };
 */
export interface ExcludeGroups {
  rowGroups: ArrayLike<number>;
  queryGroups: ArrayLike<number>;
}

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

/** A block as the native call returns it: scores (lower is closer, see scores.ts) rather than distances. */
type ScoreBlock = Omit<DistanceBlock, "distances"> & { scores: Float32Array };

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
    const heaps = new Heaps(count, k);
    await this.forEachScoreBlock(queries, (block) => heaps.offer(block, exclude));
    // The k winners' distances are recomputed in double precision (see SCORE_ERROR) and re-ranked by them.
    return heaps.finish((row, query) => pairDistance(data, query, this.data, row, this.dim, this.metric));
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
    visit: (block: ScoreBlock, offsets: Float64Array) => void,
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

/**
 * One bounded max-heap of (score, row) per query in flat typed arrays; the root is the worst kept pair, where a
 * higher score, then a higher row, is worse — so equal scores keep the lower row.
 */
class Heaps {
  private readonly scores: Float32Array;
  private readonly rows: Int32Array;
  private readonly sizes: Int32Array;

  constructor(
    private readonly count: number,
    private readonly k: number,
  ) {
    this.scores = new Float32Array(count * k);
    this.rows = new Int32Array(count * k);
    this.sizes = new Int32Array(count);
  }

  /** Offers every pair of a score block, skipping excluded rows. */
  offer(block: ScoreBlock, exclude: ExcludeGroups | undefined): void {
    const { scores, sizes, k } = this;
    const { queryStart, queryCount, rowStart, rowCount: n, scores: s } = block;
    for (let i = 0; i < queryCount; i++) {
      const query = queryStart + i;
      const base = query * k;
      const group = exclude?.queryGroups[query];
      let worst = sizes[query] === k ? scores[base] : Infinity;
      for (let c = 0, at = i * n; c < n; c++, at++) {
        const v = s[at];
        // Rows arrive in increasing order, so a tie with the worst kept pair loses (it has the higher row).
        if (!(v < worst)) continue;
        const row = rowStart + c;
        if (exclude && exclude.rowGroups[row] === group) continue;
        if (sizes[query] < k) {
          this.siftUp(base, sizes[query]++, v, row);
          if (sizes[query] === k) worst = scores[base];
        } else {
          this.siftDown(base, k, v, row);
          worst = scores[base];
        }
      }
    }
  }

  /** Empties the heaps into `[count, k]` matrices, ranked by `distance` (then row). */
  finish(distance: (row: number, query: number) => number): Neighbors {
    const { count, k, scores, rows, sizes } = this;
    const indices = new Int32Array(count * k).fill(-1);
    const distances = new Float32Array(count * k).fill(Infinity);
    for (let q = 0; q < count; q++) {
      const base = q * k;
      const found = sizes[q];
      for (let size = found; size > 0; size--) {
        const at = base + size - 1; // the current worst goes to the last free slot
        indices[at] = rows[base];
        distances[at] = distance(rows[base], q);
        this.siftDown(base, size - 1, scores[base + size - 1], rows[base + size - 1]);
      }
      // Insertion sort: the refined order differs from the score order only among near-ties.
      for (let i = base + 1; i < base + found; i++) {
        const d = distances[i];
        const r = indices[i];
        let j = i;
        for (; j > base && (distances[j - 1] > d || (distances[j - 1] === d && indices[j - 1] > r)); j--) {
          distances[j] = distances[j - 1];
          indices[j] = indices[j - 1];
        }
        distances[j] = d;
        indices[j] = r;
      }
    }
    return { indices, distances, k };
  }

  private worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa > sb || (sa === sb && ra > rb);
  }

  /** Places (v, row) at slot `hole` of a heap of `hole + 1` entries and restores order upwards. */
  private siftUp(base: number, hole: number, v: number, row: number): void {
    const { scores, rows } = this;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.worse(v, row, scores[base + parent], rows[base + parent])) break;
      scores[base + hole] = scores[base + parent];
      rows[base + hole] = rows[base + parent];
      hole = parent;
    }
    scores[base + hole] = v;
    rows[base + hole] = row;
  }

  /** Replaces the root of a heap of `size` entries with (v, row) and restores order downwards. */
  private siftDown(base: number, size: number, v: number, row: number): void {
    const { scores, rows } = this;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= size) break;
      if (
        child + 1 < size &&
        this.worse(scores[base + child + 1], rows[base + child + 1], scores[base + child], rows[base + child])
      )
        child++;
      if (!this.worse(scores[base + child], rows[base + child], v, row)) break;
      scores[base + hole] = scores[base + child];
      rows[base + hole] = rows[base + child];
      hole = child;
    }
    if (size > 0) {
      scores[base + hole] = v;
      rows[base + hole] = row;
    }
  }
}
