/**
 * Exact brute-force k-nearest-neighbour search over row-major float64 data, in cache-sized tiles with 4 × 2
 * register blocking (each loaded value feeds several multiply-adds), keeping a sorted top-k per query.
 *
 * Distances follow scikit-learn 1.2's brute force: euclidean as √max(0, −2 x·t + ‖x‖² + ‖t‖²) (the GEMM
 * expansion), cosine as 1 − x·t / (‖x‖ ‖t‖) clipped to [0, 2]. Candidates are visited in training-row order and
 * only a strictly smaller distance displaces a kept one, so equal distances rank the lower training index first.
 */
import type { DenseMatrix } from "../../numeric/matrix.js";

/**
 * Distance metrics the search supports.
 *
 * @example
 * const metric: NeighborMetric = "cosine";
 */
export type NeighborMetric = "euclidean" | "cosine";

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

/** Training rows visited per tile: 128 rows × 768 features × 8 bytes ≈ 0.8 MB, which stays in L2. */
const TILE = 128;

/**
 * Per-row quantity the metric needs: squared norm (euclidean) or inverse norm (cosine; zero rows get 1, as
 * sklearn's normalize leaves them zero).
 *
 * @example
 * rowNormTerms(toDense([[3, 4]]), "euclidean"); // Float64Array [25]
 */
export function rowNormTerms(X: DenseMatrix<Float64Array>, metric: NeighborMetric): Float64Array {
  const { data, rows, cols } = X;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * cols, end = j + cols; j < end; j++) s += data[j] * data[j];
    out[i] = metric === "euclidean" ? s : s === 0 ? 1 : 1 / Math.sqrt(s);
  }
  return out;
}

/**
 * Dot products of 4 query rows (starting at `q0`) with `tn` training rows (starting at `t0`) into
 * `out[r * TILE + c]`. Rows past the end of either matrix alias the last row; their results are never read.
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

/**
 * The `k` nearest training rows of every query row, nearest first.
 *
 * @param train - training rows; `trainTerms` from {@link rowNormTerms} with the same metric
 * @returns distances (queries × k) and training-row indices (queries × k)
 * @example
 * const { distances, indices } = nearestNeighbors(Q, T, rowNormTerms(T, "euclidean"), 5, "euclidean");
 */
export function nearestNeighbors(
  queries: DenseMatrix<Float64Array>,
  train: DenseMatrix<Float64Array>,
  trainTerms: Float64Array,
  k: number,
  metric: NeighborMetric,
): { distances: DenseMatrix<Float64Array>; indices: IndexMatrix } {
  const { rows: nq, cols: d } = queries;
  const nt = train.rows;
  const queryTerms = rowNormTerms(queries, metric);
  const euclidean = metric === "euclidean";
  // Kept as squared distances for euclidean (the square root is monotone, taken once at the end).
  const best = new Float64Array(nq * k).fill(Infinity);
  const bestIndex = new Int32Array(nq * k).fill(-1);
  const dots = new Float64Array(4 * TILE);
  for (let t0 = 0; t0 < nt; t0 += TILE) {
    const tn = Math.min(TILE, nt - t0);
    for (let q0 = 0; q0 < nq; q0 += 4) {
      dotTile(queries.data, nq, q0, train.data, t0, tn, d, dots);
      for (let r = 0; r < 4 && q0 + r < nq; r++) {
        const query = q0 + r;
        const qTerm = queryTerms[query];
        const base = query * k;
        let worst = best[base + k - 1];
        for (let c = 0; c < tn; c++) {
          const dot = dots[r * TILE + c];
          const tTerm = trainTerms[t0 + c];
          const dist = euclidean
            ? Math.max(0, -2 * dot + qTerm + tTerm)
            : Math.min(2, Math.max(0, 1 - dot * qTerm * tTerm));
          if (!(dist < worst)) continue;
          // Insert after every kept distance ≤ dist, so earlier (lower-index) rows win ties.
          let pos = k - 1;
          while (pos > 0 && best[base + pos - 1] > dist) {
            best[base + pos] = best[base + pos - 1];
            bestIndex[base + pos] = bestIndex[base + pos - 1];
            pos--;
          }
          best[base + pos] = dist;
          bestIndex[base + pos] = t0 + c;
          worst = best[base + k - 1];
        }
      }
    }
  }
  if (euclidean) for (let i = 0; i < best.length; i++) best[i] = Math.sqrt(best[i]);
  return { distances: { data: best, rows: nq, cols: k }, indices: { data: bestIndex, rows: nq, cols: k } };
}
