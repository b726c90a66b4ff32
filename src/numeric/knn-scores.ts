/**
 * The arithmetic of exact k-NN scoring, shared by every kernel of {@link import("./knn.js")}: per-row norm terms,
 * query preparation, the score ↔ distance mapping and a double-precision pair distance.
 *
 * A score is a monotone stand-in for the distance that costs one matrix product: `−cos·‖x‖⁻¹` for cosine (queries
 * come pre-normalised) and `‖x‖² − 2 q·x` for l2; {@link toDistance} turns it into the real distance.
 */

/** Distance metrics: `cosine` (1 − cosine similarity, in [0, 2]) and `l2` (Euclidean distance). */
export const KNN_METRICS = ["cosine", "l2"] as const;

/**
 * One of {@link KNN_METRICS}.
 *
 * @example
 * const metric: KnnMetric = "l2";
 */
export type KnnMetric = (typeof KNN_METRICS)[number];

/**
 * The per-row term the score needs: inverse norm (cosine; 0 for a zero row, whose distance to anything is then
 * 1, as scikit-learn's normalize leaves it zero) or squared norm (l2).
 *
 * @example
 * rowTerms(new Float32Array([3, 4]), 2, "l2"); // Float32Array [25]
 */
export function rowTerms(data: Float32Array, dim: number, metric: KnnMetric): Float32Array {
  const rows = data.length / dim;
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * dim, end = j + dim; j < end; j++) s += data[j] * data[j];
    out[i] = metric === "l2" ? s : s === 0 ? 0 : 1 / Math.sqrt(s);
  }
  return out;
}

/**
 * Queries made ready for a score kernel: cosine queries are normalised (zero stays zero), and `offsets` holds
 * what {@link toDistance} adds back per query (`1` for cosine, `‖q‖²` for l2).
 *
 * @example
 * const { data, offsets } = prepareQueries(q, 768, "l2");
 */
export function prepareQueries(
  queries: Float32Array,
  dim: number,
  metric: KnnMetric,
): { data: Float32Array; offsets: Float64Array } {
  const count = queries.length / dim;
  const terms = rowTerms(queries, dim, metric);
  if (metric === "l2") return { data: queries, offsets: Float64Array.from(terms) };
  const data = new Float32Array(queries.length);
  for (let i = 0; i < count; i++)
    for (let j = i * dim, end = j + dim; j < end; j++) data[j] = queries[j] * terms[i];
  return { data, offsets: new Float64Array(count).fill(1) };
}

/**
 * The distance a score stands for, given its query's offset from {@link prepareQueries}: cosine distance
 * clipped to [0, 2] (float rounding can leave it a hair outside), or the Euclidean distance.
 *
 * @example
 * toDistance(-0.5, 1, "cosine"); // 0.5
 */
export function toDistance(score: number, offset: number, metric: KnnMetric): number {
  const d = score + offset;
  return metric === "l2" ? Math.sqrt(Math.max(0, d)) : Math.min(2, Math.max(0, d));
}

/**
 * The inverse of {@link toDistance}: the largest score whose distance is at most `distance`.
 *
 * @example
 * scoreLimit(0.5, 1, "cosine"); // -0.5
 */
export function scoreLimit(distance: number, offset: number, metric: KnnMetric): number {
  return (metric === "l2" ? distance * distance : distance) - offset;
}

/**
 * Bound on the absolute error of a float32 score, relative to ‖q‖² + ‖x‖² (in the normalised space for cosine):
 * float32 dot products over 768 dims lose ~2e-6 of it to rounding. It matters for l2 distances near zero, where
 * the expansion ‖q‖² + ‖x‖² − 2 q·x cancels; {@link pairDistance} settles such cases in double precision.
 */
export const SCORE_ERROR = 1e-5;

/**
 * A worst-case (not typical) bound on the same error for `dim`-long dot products: the classical γₙ bound of
 * float32 summation plus the float64 → float32 rounding of both operands, doubled for safety. Unlike
 * {@link SCORE_ERROR} it holds for any summation order, so candidates ranked by float32 scores provably contain
 * the exact top k when their boundary gap exceeds it.
 *
 * @example
 * guaranteedScoreError(768); // ≈ 1.9e-4
 */
export function guaranteedScoreError(dim: number): number {
  return (dim + 16) * 2 ** -22;
}

/**
 * Distance between row `i` of `a` and row `j` of `b`, in double precision.
 *
 * @example
 * pairDistance(queries, 0, data, 42, 768, "l2");
 */
export function pairDistance(
  a: Float32Array,
  i: number,
  b: Float32Array,
  j: number,
  dim: number,
  metric: KnnMetric,
): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  for (let t = 0, p = i * dim, r = j * dim; t < dim; t++, p++, r++) {
    const x = a[p];
    const y = b[r];
    dot += x * y;
    na += x * x;
    nb += y * y;
    sq += (x - y) * (x - y);
  }
  if (metric === "l2") return Math.sqrt(sq);
  return na === 0 || nb === 0 ? 1 : Math.min(2, Math.max(0, 1 - dot / Math.sqrt(na * nb)));
}
