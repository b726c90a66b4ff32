/**
 * The dense float64 kernels the estimators share. Loops are written for row-major data: inner loops run over
 * contiguous memory and process four rows at a time so each loaded weight is reused (the workload is 768-wide
 * embeddings, where these loops dominate fitting time).
 */
import { zeros, type DenseMatrix } from "./matrix.js";

type F64 = DenseMatrix<Float64Array>;

/**
 * Mean of every column.
 *
 * @example
 * columnMeans(toDense([[1, 2], [3, 4]])); // Float64Array [2, 3]
 */
export function columnMeans(X: F64): Float64Array {
  const { data, rows, cols } = X;
  const sums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) sums[j] += data[o + j];
  }
  for (let j = 0; j < cols; j++) sums[j] /= rows;
  return sums;
}

/**
 * `X - offset` row by row, as a new matrix.
 *
 * @example
 * subtractRow(toDense([[1, 2]]), new Float64Array([1, 1])); // [[0, 1]]
 */
export function subtractRow(X: F64, offset: Float64Array): F64 {
  const out = new Float64Array(X.data.length);
  const { data, rows, cols } = X;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = data[o + j] - offset[j];
  }
  return { data: out, rows, cols };
}

/**
 * `A Bᵀ` for row-major `A` (n × d) and `B` (k × d): every row of `A` dotted with every row of `B`, plus an
 * optional `bias` per column of the result. This is the scoring kernel of every linear model; it works on
 * blocks of 4 rows × 2 columns so each loaded value feeds several multiply-adds.
 *
 * @example
 * multiplyABt(toDense([[1, 2]]), toDense([[1, 0], [0, 1]])); // [[1, 2]]
 */
export function multiplyABt(A: F64, B: F64, bias?: Float64Array, out: F64 = zeros(A.rows, B.rows)): F64 {
  const n = A.rows;
  const d = A.cols;
  const k = B.rows;
  const a = A.data;
  const b = B.data;
  const o = out.data;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    let c = 0;
    for (; c + 2 <= k; c += 2) {
      const b0 = c * d;
      const b1 = b0 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let j = 0; j < d; j++) {
        const u = b[b0 + j];
        const v = b[b1 + j];
        const x0 = a[a0 + j];
        const x1 = a[a1 + j];
        const x2 = a[a2 + j];
        const x3 = a[a3 + j];
        s0 += x0 * u;
        s1 += x1 * u;
        s2 += x2 * u;
        s3 += x3 * u;
        t0 += x0 * v;
        t1 += x1 * v;
        t2 += x2 * v;
        t3 += x3 * v;
      }
      const bu = bias === undefined ? 0 : bias[c];
      const bv = bias === undefined ? 0 : bias[c + 1];
      const o0 = i * k + c;
      o[o0] = s0 + bu;
      o[o0 + k] = s1 + bu;
      o[o0 + 2 * k] = s2 + bu;
      o[o0 + 3 * k] = s3 + bu;
      o[o0 + 1] = t0 + bv;
      o[o0 + k + 1] = t1 + bv;
      o[o0 + 2 * k + 1] = t2 + bv;
      o[o0 + 3 * k + 1] = t3 + bv;
    }
    if (c < k) {
      const b0 = c * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const u = b[b0 + j];
        s0 += a[a0 + j] * u;
        s1 += a[a1 + j] * u;
        s2 += a[a2 + j] * u;
        s3 += a[a3 + j] * u;
      }
      const bu = bias === undefined ? 0 : bias[c];
      const o0 = i * k + c;
      o[o0] = s0 + bu;
      o[o0 + k] = s1 + bu;
      o[o0 + 2 * k] = s2 + bu;
      o[o0 + 3 * k] = s3 + bu;
    }
  }
  for (; i < n; i++) {
    const a0 = i * d;
    for (let c = 0; c < k; c++) {
      const b0 = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += a[a0 + j] * b[b0 + j];
      o[i * k + c] = s + (bias === undefined ? 0 : bias[c]);
    }
  }
  return out;
}

/**
 * `Aᵀ B` for row-major `A` (n × k) and `B` (n × d), giving k × d: the gradient kernel (residuals times data),
 * accumulated over blocks of 4 rows of `B` into 2 rows of the result at a time.
 *
 * @example
 * multiplyAtB(toDense([[1], [2]]), toDense([[1, 1], [1, 0]])); // [[3, 1]]
 */
export function multiplyAtB(A: F64, B: F64, out: F64 = zeros(A.cols, B.cols)): F64 {
  const n = A.rows;
  const k = A.cols;
  const d = B.cols;
  const a = A.data;
  const b = B.data;
  const o = out.data;
  o.fill(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = i * d;
    const x1 = x0 + d;
    const x2 = x1 + d;
    const x3 = x2 + d;
    const r = i * k;
    let c = 0;
    for (; c + 2 <= k; c += 2) {
      const p0 = a[r + c];
      const p1 = a[r + k + c];
      const p2 = a[r + 2 * k + c];
      const p3 = a[r + 3 * k + c];
      const q0 = a[r + c + 1];
      const q1 = a[r + k + c + 1];
      const q2 = a[r + 2 * k + c + 1];
      const q3 = a[r + 3 * k + c + 1];
      const op = c * d;
      const oq = op + d;
      for (let j = 0; j < d; j++) {
        const v0 = b[x0 + j];
        const v1 = b[x1 + j];
        const v2 = b[x2 + j];
        const v3 = b[x3 + j];
        o[op + j] += p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3;
        o[oq + j] += q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3;
      }
    }
    if (c < k) {
      const p0 = a[r + c];
      const p1 = a[r + k + c];
      const p2 = a[r + 2 * k + c];
      const p3 = a[r + 3 * k + c];
      const op = c * d;
      for (let j = 0; j < d; j++)
        o[op + j] += p0 * b[x0 + j] + p1 * b[x1 + j] + p2 * b[x2 + j] + p3 * b[x3 + j];
    }
  }
  for (; i < n; i++) {
    const x0 = i * d;
    for (let c = 0; c < k; c++) {
      const p = a[i * k + c];
      const op = c * d;
      for (let j = 0; j < d; j++) o[op + j] += p * b[x0 + j];
    }
  }
  return out;
}

/**
 * `Xᵀ X` (d × d, symmetric). Rows are processed in chunks small enough to stay in cache; each chunk is
 * transposed so dot products run over contiguous memory, 4 × 2 entries of the result at a time.
 *
 * @example
 * gram(toDense([[1, 2], [3, 4]])); // [[10, 14], [14, 20]]
 */
export function gram(X: F64): F64 {
  const { rows: n, cols: d, data } = X;
  const chunk = 64;
  const t = new Float64Array(d * chunk);
  const g = new Float64Array(d * d);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const r = Math.min(chunk, n - i0);
    for (let i = 0; i < r; i++) {
      const o = (i0 + i) * d;
      for (let j = 0; j < d; j++) t[j * r + i] = data[o + j];
    }
    // Upper triangle only (k ≥ j); blocks past the diagonal or the edge alias valid columns and are discarded.
    for (let j = 0; j < d; j += 4) {
      const c0 = j * r;
      const c1 = Math.min(j + 1, d - 1) * r;
      const c2 = Math.min(j + 2, d - 1) * r;
      const c3 = Math.min(j + 3, d - 1) * r;
      for (let k = j; k < d; k += 2) {
        const k1 = Math.min(k + 1, d - 1);
        const e0 = k * r;
        const e1 = k1 * r;
        let s00 = 0;
        let s10 = 0;
        let s20 = 0;
        let s30 = 0;
        let s01 = 0;
        let s11 = 0;
        let s21 = 0;
        let s31 = 0;
        for (let i = 0; i < r; i++) {
          const u = t[e0 + i];
          const v = t[e1 + i];
          const x0 = t[c0 + i];
          const x1 = t[c1 + i];
          const x2 = t[c2 + i];
          const x3 = t[c3 + i];
          s00 += x0 * u;
          s10 += x1 * u;
          s20 += x2 * u;
          s30 += x3 * u;
          s01 += x0 * v;
          s11 += x1 * v;
          s21 += x2 * v;
          s31 += x3 * v;
        }
        addUpper(g, d, j, k, s00, s10, s20, s30);
        if (k1 > k) addUpper(g, d, j, k1, s01, s11, s21, s31);
      }
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) g[j * d + k] = g[k * d + j];
  return { data: g, rows: d, cols: d };
}

/** Adds the dot products of columns j..j+3 with column k into the upper triangle (rows ≤ k, < d only). */
function addUpper(
  g: Float64Array,
  d: number,
  j: number,
  k: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
) {
  g[j * d + k] += s0;
  if (j + 1 <= k && j + 1 < d) g[(j + 1) * d + k] += s1;
  if (j + 2 <= k && j + 2 < d) g[(j + 2) * d + k] += s2;
  if (j + 3 <= k && j + 3 < d) g[(j + 3) * d + k] += s3;
}

/**
 * Index of the largest entry of each row (the first one on ties, as numpy's argmax).
 *
 * @example
 * argmaxRows(toDense([[0, 2, 1]])); // Int32Array [1]
 */
export function argmaxRows(S: F64): Int32Array {
  const { data, rows, cols } = S;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[i * cols + c] > data[i * cols + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Turns each row of scores into probabilities in place: `exp(s - max) / sum`, stable for any score range.
 *
 * @example
 * softmaxRows(toDense([[0, 0]])); // [[0.5, 0.5]]
 */
export function softmaxRows(S: F64): F64 {
  const { data, rows, cols } = S;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, data[o + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(data[o + c] - max);
      data[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) data[o + c] /= sum;
  }
  return S;
}

/**
 * `Xᵀ` as a new row-major matrix, copied in 32 × 32 tiles so both the reads and the writes stay in cache.
 *
 * @example
 * transpose(toDense([[1, 2, 3]])); // [[1], [2], [3]]
 */
export function transpose(X: F64): F64 {
  const { data, rows, cols } = X;
  const out = new Float64Array(data.length);
  const tile = 32;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    const i1 = Math.min(i0 + tile, rows);
    for (let j0 = 0; j0 < cols; j0 += tile) {
      const j1 = Math.min(j0 + tile, cols);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j];
    }
  }
  return { data: out, rows: cols, cols: rows };
}
