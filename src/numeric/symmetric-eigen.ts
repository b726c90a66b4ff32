/**
 * Eigen-decomposition of a dense symmetric matrix: Householder reduction to tridiagonal form, then the implicit
 * QL algorithm with Wilkinson-style shifts. Written for row-major Float64Arrays so every inner loop is
 * contiguous (reflections update rows; QL rotations combine two eigenvector rows), about twice as fast as a
 * generic column-oriented implementation on the 768 × 768 scatter matrices PCA and LDA decompose.
 */
import { VidmaeError } from "../errors.js";
import type { DenseMatrix } from "./matrix.js";

type F64 = DenseMatrix<Float64Array>;

/** Householder vectors and scales of the reduction, and the tridiagonal result. */
interface Tridiagonal {
  /** Diagonal of T. */
  diag: Float64Array;
  /** off[i] couples i and i + 1 (off[n − 1] = 0). */
  off: Float64Array;
  /** Row k holds reflector k's vector in columns k + 1 … n − 1. */
  vectors: Float64Array;
  /** 2 / (vᵀv) per reflector, 0 where no reflection was needed. */
  betas: Float64Array;
}

/**
 * Reduces symmetric A to T = Qᵀ A Q with Q = H₀ H₁ … H_{n−3}, Hₖ = I − βₖ vₖ vₖᵀ zeroing column k below the
 * subdiagonal. Each step updates the trailing block by the symmetric rank-2 form A ← A − v wᵀ − w vᵀ.
 */
function tridiagonalize(A: Float64Array, n: number): Tridiagonal {
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const betas = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const row = k * n;
    diag[k] = A[row + k];
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += A[row + i] * A[row + i];
    if (norm2 === 0) continue;
    const x0 = A[row + k + 1];
    // Reflect onto -sign(x0)‖x‖ e₁ so v = x − alpha e₁ suffers no cancellation.
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    off[k] = alpha;
    const v = vectors.subarray(row, row + n);
    for (let i = k + 1; i < n; i++) v[i] = A[row + i];
    v[k + 1] -= alpha;
    const beta = 2 / (norm2 - x0 * x0 + v[k + 1] * v[k + 1]);
    betas[k] = beta;
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[ri + j] * v[j];
      w[i] = beta * s;
      vp += v[i] * w[i];
    }
    const half = 0.5 * beta * vp;
    for (let i = k + 1; i < n; i++) w[i] -= half * v[i];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const vi = v[i];
      const wi = w[i];
      for (let j = k + 1; j < n; j++) A[ri + j] -= vi * w[j] + wi * v[j];
    }
  }
  if (n >= 2) {
    diag[n - 2] = A[(n - 2) * n + n - 2];
    off[n - 2] = A[(n - 1) * n + n - 2];
  }
  diag[n - 1] = A[n * n - 1];
  return { diag, off, vectors, betas };
}

/**
 * Qᵀ = H_{n−3} … H₀ as a row-major matrix, built right to left (M ← M Hₖ for k = n − 3 … 0) so each step only
 * touches the trailing block that is not yet the identity.
 */
function reflectorsTransposed({ vectors, betas }: Tridiagonal, n: number): Float64Array {
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) M[i * n + i] = 1;
  const mv = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const v = vectors.subarray(k * n, (k + 1) * n);
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += M[ri + j] * v[j];
      mv[i] = beta * s;
    }
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const c = mv[i];
      if (c === 0) continue;
      for (let j = k + 1; j < n; j++) M[ri + j] -= c * v[j];
    }
  }
  return M;
}

/**
 * Diagonalises the tridiagonal (diag, off) in place by implicit QL sweeps; every plane rotation of rows i and
 * i + 1 is applied to the rows of `E`, which start as Qᵀ and end as the eigenvectors of A.
 */
function implicitQL(diag: Float64Array, off: Float64Array, E: Float64Array, n: number): void {
  // A split test relative to the whole matrix's scale too: with many (near-)zero eigenvalues — fewer samples than
  // features — neighbouring diagonal entries are ~0 and the purely local test never succeeds.
  let anorm = 0;
  for (let i = 0; i < n; i++) anorm = Math.max(anorm, Math.abs(diag[i]) + Math.abs(off[i] ?? 0));
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    let m: number;
    do {
      // Split the matrix where an off-diagonal entry is negligible next to its diagonal neighbours.
      for (m = l; m < n - 1; m++) {
        const local = Math.abs(diag[m]) + Math.abs(diag[m + 1]);
        if (Math.abs(off[m]) <= Number.EPSILON * local || Math.abs(off[m]) <= Number.EPSILON * anorm) break;
      }
      if (m === l) break;
      if (iterations++ === 60) {
        throw new VidmaeError(
          "E_DATA",
          "The symmetric eigen-decomposition did not converge (matrix has NaN or Inf?).",
        );
      }
      // Shift from the eigenvalue of the leading 2 × 2 block closer to diag[l].
      let g = (diag[l + 1] - diag[l]) / (2 * off[l]);
      let r = Math.hypot(g, 1);
      g = diag[m] - diag[l] + off[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * off[i];
        const b = c * off[i];
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix split; finish this sweep and restart from l.
          diag[i + 1] -= p;
          off[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = diag[i + 1] - p;
        r = (diag[i] - g) * s + 2 * c * b;
        p = s * r;
        diag[i + 1] = g + p;
        g = c * r - b;
        const r0 = i * n;
        const r1 = r0 + n;
        for (let k = 0; k < n; k++) {
          const u = E[r0 + k];
          const t = E[r1 + k];
          E[r1 + k] = s * u + c * t;
          E[r0 + k] = c * u - s * t;
        }
      }
      if (r === 0 && i >= l) continue;
      diag[l] -= p;
      off[l] = g;
      off[m] = 0;
    } while (m !== l);
  }
}

/**
 * Eigen-decomposition of a symmetric matrix: eigenvalues in descending order and eigenvector `k` as row `k` of
 * `vectors` (orthonormal). Only the lower and upper triangles' common values are assumed; `A` is not modified.
 *
 * @throws VidmaeError E_DATA when the QL iteration does not converge (non-finite input)
 * @example
 * const { values, vectors } = symmetricEigen(gram(X));
 */
export function symmetricEigen(A: F64): { values: Float64Array; vectors: F64 } {
  const n = A.rows;
  const work = Float64Array.from(A.data);
  const tri = tridiagonalize(work, n);
  const E = reflectorsTransposed(tri, n);
  implicitQL(tri.diag, tri.off, E, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tri.diag[b] - tri.diag[a]);
  const values = Float64Array.from(order, (i) => tri.diag[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => vectors.set(E.subarray(src * n, (src + 1) * n), k * n));
  return { values, vectors: { data: vectors, rows: n, cols: n } };
}
