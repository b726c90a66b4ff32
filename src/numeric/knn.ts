/**
 * The one exact k-nearest-neighbour engine. Every caller streams blocks of query × row scores (from a native
 * float32 matrix product, or from the float64 tiles below) or per-block candidates (a native product followed by
 * a native top-k) into {@link TopK}, which keeps the best rows per query in flat typed arrays; the winners are
 * then re-ranked by a double-precision distance.
 *
 * {@link sklearnKneighbors} adds scikit-learn 1.2's brute-force semantics on top: float64 distances from the GEMM
 * expansion, equal distances ranked by lower training index. With a float32 kernel it takes a margin of
 * candidates beyond k, values them in float64 in score order until the float32 error bound proves, per query,
 * that no row not yet valued could reach the k-th place; the rare query it cannot prove is searched again on the
 * float64 tiles.
 */
import type { DenseMatrix } from "./matrix.js";
import { guaranteedScoreError, prepareQueries, type KnnMetric } from "./knn-scores.js";

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
 * Scores (lower is closer) of queries `queryStart … queryStart + queryCount − 1` against rows `rowStart …
 * rowStart + rowCount − 1`, row-major `[queryCount, rowCount]`.
 *
 * @example
 * topK.offer({ queryStart: 0, queryCount: 2, rowStart: 0, rowCount: 3, scores: new Float32Array(6) });
 */
export interface ScoreBlock {
  queryStart: number;
  queryCount: number;
  rowStart: number;
  rowCount: number;
  scores: Float32Array | Float64Array;
}

/**
 * A synchronous float32 score kernel: scores of `m` prepared queries (see `prepareQueries`) against `n` rows with
 * their `rowTerms`, as a row-major `[m, n]` matrix.
 *
 * @example
 * const kernel: ScoreKernel = (metric, q, rows, terms, dim) => myGemm(metric, q, rows, terms, dim);
 */
export type ScoreKernel = (
  metric: KnnMetric,
  queries: Float32Array,
  rows: Float32Array,
  terms: Float32Array,
  dim: number,
) => Float32Array;

/**
 * A synchronous float32 candidate kernel: for `m` prepared queries against `n` rows, the `count` lowest scores
 * per query, ascending (equal scores: lower row first), and their rows (0 … n − 1), both row-major `[m, count]`.
 *
 * @example
 * const kernel = candidatesFromScores(myScoreKernel);
 * const { scores, rows } = kernel("l2", q, rows, terms, 768, 21);
 */
export type CandidateKernel = (
  metric: KnnMetric,
  queries: Float32Array,
  rows: Float32Array,
  terms: Float32Array,
  dim: number,
  count: number,
) => { scores: Float32Array; rows: Int32Array };

/**
 * Insertion sort of slots `from … to − 1` by (distance, row); slots with row −1 (empty, distance Infinity) are
 * last already and stay put. Cheap because the input is nearly sorted.
 */
function sortSlots(
  distances: Float32Array | Float64Array,
  indices: Int32Array,
  from: number,
  to: number,
): void {
  for (let i = from + 1; i < to && indices[i] >= 0; i++) {
    const d = distances[i];
    const r = indices[i];
    let j = i;
    for (; j > from && (distances[j - 1] > d || (distances[j - 1] === d && indices[j - 1] > r)); j--) {
      distances[j] = distances[j - 1];
      indices[j] = indices[j - 1];
    }
    distances[j] = d;
    indices[j] = r;
  }
}

/**
 * One bounded max-heap of (score, row) per query in flat typed arrays; the root is the worst kept pair, where a
 * higher score, then a higher row, is worse — so equal scores keep the lower row. The selection is hand-written
 * because no library selects from a score block without allocating an object per pair.
 *
 * @example
 * const top = new TopK(queryCount, 10);
 * for (const block of blocks) top.offer(block);
 * const { indices, distances } = top.finish((row, q) => distance(q, row), new Float32Array(queryCount * 10));
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly rows: Int32Array;
  private readonly sizes: Int32Array;

  constructor(
    /** Number of queries. */
    readonly count: number,
    /** Rows kept per query. */
    readonly k: number,
  ) {
    this.scores = new Float64Array(count * k);
    this.rows = new Int32Array(count * k);
    this.sizes = new Int32Array(count);
  }

  /** Offers every pair of a score block (rows in increasing order across calls), skipping excluded rows. */
  offer(block: ScoreBlock, exclude?: ExcludeGroups): void {
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

  /**
   * Offers `width` (score, row) pairs per query for queries `queryStart …`: row-major `[queryCount, width]`
   * arrays, rows relative to `rowStart` and in any order; a row of −1 is an empty slot.
   */
  offerPairs(
    queryStart: number,
    queryCount: number,
    width: number,
    rowStart: number,
    pairs: { scores: Float32Array | Float64Array; rows: Int32Array },
  ): void {
    const { scores, rows, sizes, k } = this;
    for (let i = 0; i < queryCount; i++) {
      const query = queryStart + i;
      const base = query * k;
      for (let j = i * width, end = j + width; j < end; j++) {
        if (pairs.rows[j] < 0) continue;
        const v = pairs.scores[j];
        const row = rowStart + pairs.rows[j];
        if (sizes[query] < k) this.siftUp(base, sizes[query]++, v, row);
        else if (this.worse(scores[base], rows[base], v, row)) this.siftDown(base, k, v, row);
      }
    }
  }

  /** The worst score kept for `query` (Infinity while fewer than k rows are kept). */
  worst(query: number): number {
    return this.sizes[query] === this.k ? this.scores[query * this.k] : Infinity;
  }

  /**
   * Empties the heaps into `[count, k]` matrices in (score, row) order, best first. Empty slots hold row −1 and
   * score Infinity.
   */
  ranked(): { indices: Int32Array; scores: Float64Array } {
    const { count, k, scores, rows, sizes } = this;
    const indices = new Int32Array(count * k).fill(-1);
    const ordered = new Float64Array(count * k).fill(Infinity);
    for (let q = 0; q < count; q++) {
      const base = q * k;
      for (let size = sizes[q]; size > 0; size--) {
        const at = base + size - 1; // the current worst goes to the last free slot
        indices[at] = rows[base];
        ordered[at] = scores[base];
        this.siftDown(base, size - 1, scores[base + size - 1], rows[base + size - 1]);
      }
      sizes[q] = 0;
    }
    return { indices, scores: ordered };
  }

  /**
   * Empties the heaps into `[count, k]` matrices ranked by `distance` (then row), compared as stored in
   * `distances` (so a float32 output ranks by the rounded values). Empty slots hold row −1 and Infinity.
   */
  finish<D extends Float32Array | Float64Array>(
    distance: (row: number, query: number) => number,
    distances: D,
  ): { indices: Int32Array; distances: D } {
    const { count, k } = this;
    const { indices } = this.ranked();
    distances.fill(Infinity);
    for (let q = 0; q < count; q++) {
      const base = q * k;
      for (let i = base; i < base + k && indices[i] >= 0; i++) distances[i] = distance(indices[i], q);
      // The refined order differs from the score order only among near-ties.
      sortSlots(distances, indices, base, base + k);
    }
    return { indices, distances };
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

/**
 * A {@link CandidateKernel} from a {@link ScoreKernel}: the whole score block, then the selection in JS.
 *
 * @example
 * sklearnKneighbors(Xtest, rows, 5, candidatesFromScores(blockingScoreBlock));
 */
export function candidatesFromScores(kernel: ScoreKernel): CandidateKernel {
  return (metric, queries, rows, terms, dim, count) => {
    const m = queries.length / dim;
    const n = rows.length / dim;
    const top = new TopK(m, count);
    const scores = kernel(metric, queries, rows, terms, dim);
    top.offer({ queryStart: 0, queryCount: m, rowStart: 0, rowCount: n, scores });
    const ranked = top.ranked();
    return { scores: new Float32Array(ranked.scores), rows: ranked.indices };
  };
}

/**
 * Row-major integer matrix (neighbour indices).
 *
 * @example
 * const { indices } = knn.kneighbors(X); indices.data[i * indices.cols + j]; // j-th neighbour of row i
 */
export interface IndexMatrix {
  data: Int32Array;
  rows: number;
  cols: number;
}

/**
 * Training rows prepared once (at fit) for {@link sklearnKneighbors}: the float64 rows with scikit-learn's norm
 * terms, and the float32 copy a {@link ScoreKernel} reads.
 *
 * @example
 * const rows = prepareNeighborRows(Xtrain, "l2");
 */
export interface NeighborRows {
  matrix: DenseMatrix<Float64Array>;
  metric: KnnMetric;
  /** Squared norms (l2) or inverse norms (cosine; a zero row gets 1, as sklearn's normalize leaves it zero). */
  terms: Float64Array;
  /** Float32 copy of the rows, and their float32 score terms (see `rowTerms`). */
  data32: Float32Array;
  terms32: Float32Array;
  /** Largest squared row norm: scales the float32 error bound. */
  maxSquaredNorm: number;
}

/**
 * Per-row quantity scikit-learn's distance needs: squared norm (l2) or inverse norm (cosine; zero rows get 1).
 *
 * @example
 * sklearnRowTerms({ data: new Float64Array([3, 4]), rows: 1, cols: 2 }, "l2"); // Float64Array [25]
 */
export function sklearnRowTerms(X: DenseMatrix<Float64Array>, metric: KnnMetric): Float64Array {
  const { data, rows, cols } = X;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * cols, end = j + cols; j < end; j++) s += data[j] * data[j];
    out[i] = metric === "l2" ? s : s === 0 ? 1 : 1 / Math.sqrt(s);
  }
  return out;
}

/**
 * Prepares training rows for {@link sklearnKneighbors} (the rows are kept, not copied).
 *
 * @example
 * const rows = prepareNeighborRows({ data, rows: 100, cols: 768 }, "cosine");
 */
export function prepareNeighborRows(X: DenseMatrix<Float64Array>, metric: KnnMetric): NeighborRows {
  const data32 = new Float32Array(X.data);
  const squared = sklearnRowTerms(X, "l2");
  let maxSquaredNorm = 0;
  for (const s of squared) maxSquaredNorm = Math.max(maxSquaredNorm, s);
  const terms32 = new Float32Array(X.rows);
  for (let i = 0; i < X.rows; i++)
    terms32[i] = metric === "l2" ? squared[i] : squared[i] === 0 ? 0 : 1 / Math.sqrt(squared[i]);
  const terms = metric === "l2" ? squared : sklearnRowTerms(X, metric);
  return { matrix: X, metric, terms, data32, terms32, maxSquaredNorm };
}

/** Training rows per float64 tile: 128 rows × 768 features × 8 bytes ≈ 0.8 MB, which stays in L2. */
const TILE = 128;
/** Queries and rows per float32 kernel call: a 64 MB score block (measured: larger is no faster). */
const QUERY_BLOCK = 1024;
const ROW_BLOCK = 16384;

/**
 * scikit-learn's float64 distance before the square root: `max(0, −2 x·t + ‖x‖² + ‖t‖²)` for l2, and
 * `1 − x·t / (‖x‖ ‖t‖)` clipped to [0, 2] for cosine; `dot` summed in feature order, as the tiles sum it.
 */
function sklearnValue(dot: number, qTerm: number, tTerm: number, metric: KnnMetric): number {
  return metric === "l2"
    ? Math.max(0, -2 * dot + qTerm + tTerm)
    : Math.min(2, Math.max(0, 1 - dot * qTerm * tTerm));
}

/**
 * Dot products of 4 query rows (from `q0`) with `tn` training rows (from `t0`) into `out[r * TILE + c]`, 4 × 2
 * register-blocked (each loaded value feeds several multiply-adds). Rows past the end alias the last row; their
 * results are never read.
 */
function dotTile(
  q: Float64Array,
  qRows: number,
  q0: number,
  t: Float64Array,
  t0: number,
  tn: number,
  d: number,
  out: Float64Array,
): void {
  const last = qRows - 1;
  const a0 = q0 * d;
  const a1 = Math.min(q0 + 1, last) * d;
  const a2 = Math.min(q0 + 2, last) * d;
  const a3 = Math.min(q0 + 3, last) * d;
  for (let c = 0; c < tn; c += 2) {
    const b0 = (t0 + c) * d;
    const b1 = (t0 + Math.min(c + 1, tn - 1)) * d;
    let s00 = 0;
    let s01 = 0;
    let s10 = 0;
    let s11 = 0;
    let s20 = 0;
    let s21 = 0;
    let s30 = 0;
    let s31 = 0;
    for (let j = 0; j < d; j++) {
      const w0 = t[b0 + j];
      const w1 = t[b1 + j];
      const x0 = q[a0 + j];
      const x1 = q[a1 + j];
      const x2 = q[a2 + j];
      const x3 = q[a3 + j];
      s00 += x0 * w0;
      s01 += x0 * w1;
      s10 += x1 * w0;
      s11 += x1 * w1;
      s20 += x2 * w0;
      s21 += x2 * w1;
      s30 += x3 * w0;
      s31 += x3 * w1;
    }
    out[c] = s00;
    out[c + 1] = s01;
    out[TILE + c] = s10;
    out[TILE + c + 1] = s11;
    out[2 * TILE + c] = s20;
    out[2 * TILE + c + 1] = s21;
    out[3 * TILE + c] = s30;
    out[3 * TILE + c + 1] = s31;
  }
}

/** Streams scikit-learn's exact float64 values (see {@link sklearnValue}) of every query × row pair into `top`. */
function offerFloat64(
  queries: DenseMatrix<Float64Array>,
  qTerms: Float64Array,
  rows: NeighborRows,
  top: TopK,
) {
  const { rows: nq, cols: d } = queries;
  const { matrix, terms, metric } = rows;
  const dots = new Float64Array(4 * TILE);
  const values = new Float64Array(nq * TILE);
  for (let t0 = 0; t0 < matrix.rows; t0 += TILE) {
    const tn = Math.min(TILE, matrix.rows - t0);
    for (let q0 = 0; q0 < nq; q0 += 4) {
      dotTile(queries.data, nq, q0, matrix.data, t0, tn, d, dots);
      for (let r = 0; r < 4 && q0 + r < nq; r++)
        for (let c = 0; c < tn; c++)
          values[(q0 + r) * tn + c] = sklearnValue(dots[r * TILE + c], qTerms[q0 + r], terms[t0 + c], metric);
    }
    top.offer({ queryStart: 0, queryCount: nq, rowStart: t0, rowCount: tn, scores: values });
  }
}

/** The exact float64 value of query `i` against training row `r`, summed as {@link dotTile} sums it. */
function pairValue(
  queries: DenseMatrix<Float64Array>,
  qTerms: Float64Array,
  rows: NeighborRows,
  i: number,
  r: number,
) {
  const { data, cols: d } = queries;
  const t = rows.matrix.data;
  let dot = 0;
  for (let j = 0, a = i * d, b = r * d; j < d; j++) dot += data[a + j] * t[b + j];
  return sklearnValue(dot, qTerms[i], rows.terms[r], rows.metric);
}

/**
 * The `k` nearest training rows of every query, nearest first, as scikit-learn 1.2's brute force finds them:
 * float64 distances from the GEMM expansion, equal distances ranked by lower training index.
 *
 * @param kernel - a float32 {@link CandidateKernel} to find candidates with; without one, every pair is scored
 *   on float64 tiles (~2 GFLOP/s)
 * @returns distances and training-row indices, both `[queries, k]`
 * @example
 * const { distances, indices } = sklearnKneighbors(Xtest, prepareNeighborRows(Xtrain, "l2"), 5);
 */
export function sklearnKneighbors(
  queries: DenseMatrix<Float64Array>,
  rows: NeighborRows,
  k: number,
  kernel?: CandidateKernel,
): { distances: DenseMatrix<Float64Array>; indices: IndexMatrix } {
  const nq = queries.rows;
  const qTerms = sklearnRowTerms(queries, rows.metric);
  const { indices, values } = kernel
    ? float32Candidates(queries, qTerms, rows, k, kernel)
    : float64Neighbors(queries, qTerms, rows, k);
  if (rows.metric === "l2") for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(values[i]);
  return { distances: { data: values, rows: nq, cols: k }, indices: { data: indices, rows: nq, cols: k } };
}

/** Every pair scored on the float64 tiles; values before the square root (l2), as sklearn ranks them. */
function float64Neighbors(
  queries: DenseMatrix<Float64Array>,
  qTerms: Float64Array,
  rows: NeighborRows,
  k: number,
): { indices: Int32Array; values: Float64Array } {
  const top = new TopK(queries.rows, k);
  offerFloat64(queries, qTerms, rows, top);
  const value = (r: number, i: number) => pairValue(queries, qTerms, rows, i, r);
  const { indices, distances } = top.finish(value, new Float64Array(queries.rows * k));
  return { indices, values: distances };
}

/**
 * Candidates from the float32 kernel, re-ranked in float64; queries whose k-th place the float32 error bound
 * cannot settle are searched again on the float64 tiles.
 */
function float32Candidates(
  queries: DenseMatrix<Float64Array>,
  qTerms: Float64Array,
  rows: NeighborRows,
  k: number,
  kernel: CandidateKernel,
): { indices: Int32Array; values: Float64Array } {
  const { rows: nq, cols: d } = queries;
  const { metric, data32, terms32, maxSquaredNorm } = rows;
  const n = rows.matrix.rows;
  // A margin beyond k, so ties and near-ties at the k-th distance are settled by the float64 re-rank.
  const kc = Math.min(n, k + Math.max(16, k));
  const top = new TopK(nq, kc);
  const q32 = new Float32Array(queries.data);
  for (let q0 = 0; q0 < nq; q0 += QUERY_BLOCK) {
    const qn = Math.min(QUERY_BLOCK, nq - q0);
    const prepared = prepareQueries(q32.subarray(q0 * d, (q0 + qn) * d), d, metric);
    for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
      const rn = Math.min(ROW_BLOCK, n - r0);
      // A row a block leaves out scores ≥ that block's kc-th, hence ≥ the kc-th kept overall.
      const count = Math.min(kc, rn);
      const found = kernel(
        metric,
        prepared.data,
        data32.subarray(r0 * d, (r0 + rn) * d),
        terms32.subarray(r0, r0 + rn),
        d,
        count,
      );
      top.offerPairs(q0, qn, count, r0, found);
    }
  }
  // Any row left out has a float32 score ≥ the worst kept one (read before the heaps are emptied).
  const worst = Float64Array.from({ length: nq }, (_, i) => top.worst(i));
  const candidates = top.ranked();
  const indices = new Int32Array(nq * k);
  const values = new Float64Array(nq * k);
  const unsettled: number[] = [];
  const bound = guaranteedScoreError(d);
  for (let i = 0; i < nq; i++) {
    const base = i * kc;
    const out = i * k;
    for (let j = 0; j < k; j++) {
      indices[out + j] = candidates.indices[base + j];
      values[out + j] = pairValue(queries, qTerms, rows, i, indices[out + j]);
    }
    sortSlots(values, indices, out, out + k);
    // A row with float32 score s has a float64 value of at least s + offset − error; candidates come in score
    // order, so the first one not yet valued bounds every row after it. Value more until that bound clears the
    // k-th place (usually at once: only near-ties cost extra).
    const offset = metric === "l2" ? qTerms[i] : 1;
    const error = bound * (metric === "l2" ? qTerms[i] + maxSquaredNorm : 2);
    let next = k;
    for (;;) {
      const kth = values[out + k - 1];
      const rest = next < kc ? candidates.scores[base + next] : kc < n ? worst[i] : Infinity;
      // Infinity: every row has been valued.
      if (rest === Infinity || (rest + offset - error > kth && (metric === "l2" || kth < 2))) break;
      if (next === kc) {
        unsettled.push(i);
        break;
      }
      const row = candidates.indices[base + next++];
      const value = pairValue(queries, qTerms, rows, i, row);
      if (value < kth || (value === kth && row < indices[out + k - 1])) {
        values[out + k - 1] = value;
        indices[out + k - 1] = row;
        sortSlots(values, indices, out, out + k);
      }
    }
  }
  if (unsettled.length > 0) {
    const sub = new Float64Array(unsettled.length * d);
    unsettled.forEach((q, j) => sub.set(queries.data.subarray(q * d, (q + 1) * d), j * d));
    const subTerms = Float64Array.from(unsettled, (q) => qTerms[q]);
    const exact = float64Neighbors({ data: sub, rows: unsettled.length, cols: d }, subTerms, rows, k);
    unsettled.forEach((q, j) => {
      indices.set(exact.indices.subarray(j * k, (j + 1) * k), q * k);
      values.set(exact.values.subarray(j * k, (j + 1) * k), q * k);
    });
  }
  return { indices, values };
}
