/**
 * The heavy part of exact search: blocks of query × row scores from onnxruntime's native Gemm (two float32
 * matrices fed as graph inputs), about 50× faster than the best plain-JS loops measured here.
 *
 * A score is a monotone stand-in for the distance that costs one native pass: `−cos·‖x‖⁻¹` for cosine (queries
 * come pre-normalised) and `‖x‖² − 2 q·x` for l2; {@link toDistance} turns it into the real distance.
 */
import * as ort from "onnxruntime-node";
import { wrapError } from "../errors.js";
import { ELEM, GraphBuilder, float, int } from "../model/onnx/graph.js";
import type { Metric } from "./validate.js";

/**
 * The per-row term the score needs: inverse norm (cosine; 0 for a zero row, whose distance to anything is then
 * 1, as scikit-learn's normalize leaves it zero) or squared norm (l2).
 *
 * @example
 * rowTerms(new Float32Array([3, 4]), 2, "l2"); // Float32Array [25]
 */
export function rowTerms(data: Float32Array, dim: number, metric: Metric): Float32Array {
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
 * Queries made ready for {@link scoreBlock}: cosine queries are normalised (zero stays zero), and `offsets`
 * holds what {@link toDistance} adds back per query (`1` for cosine, `‖q‖²` for l2).
 *
 * @example
 * const { data, offsets } = prepareQueries(q, 768, "l2");
 */
export function prepareQueries(
  queries: Float32Array,
  dim: number,
  metric: Metric,
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
export function toDistance(score: number, offset: number, metric: Metric): number {
  const d = score + offset;
  return metric === "l2" ? Math.sqrt(Math.max(0, d)) : Math.min(2, Math.max(0, d));
}

/** The inverse of {@link toDistance}: the largest score whose distance is at most `distance`. */
export function scoreLimit(distance: number, offset: number, metric: Metric): number {
  return (metric === "l2" ? distance * distance : distance) - offset;
}

/**
 * Bound on the absolute error of a score, relative to ‖q‖² + ‖x‖² (in the normalised space for cosine): float32
 * dot products over 768 dims lose ~2e-6 of it to rounding. It matters for l2 distances near zero, where the
 * expansion ‖q‖² + ‖x‖² − 2 q·x cancels; {@link pairDistance} settles such cases in double precision.
 */
export const SCORE_ERROR = 1e-5;

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
  metric: Metric,
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

/** One session per metric for the life of the process: graph building and session setup cost ~10 ms. */
const sessions = new Map<Metric, Promise<ort.InferenceSession>>();

function scoreGraph(metric: Metric): Uint8Array {
  const g = new GraphBuilder();
  const q = g.input("q", ELEM.float, ["m", "d"]);
  const x = g.input("x", ELEM.float, ["n", "d"]);
  const t = g.input("t", ELEM.float, ["n"]);
  const scores =
    metric === "l2"
      ? g.node("Gemm", [q, x, t], "scores", { transB: int(1), alpha: float(-2), beta: float(1) })
      : g.node("Mul", [g.node("Gemm", [q, x], "dots", { transB: int(1), alpha: float(-1) }), t], "scores");
  g.output(scores, ELEM.float, ["m", "n"]);
  return g.toModel({ producer: "vidmae-search", graphName: `scores_${metric}` });
}

function session(metric: Metric): Promise<ort.InferenceSession> {
  let s = sessions.get(metric);
  if (!s) {
    s = ort.InferenceSession.create(scoreGraph(metric), { graphOptimizationLevel: "all" });
    // A failed creation must not poison later calls.
    s.catch(() => sessions.delete(metric));
    sessions.set(metric, s);
  }
  return s;
}

/**
 * Scores of `m` prepared queries against `n` rows, as a row-major `[m, n]` matrix (lower is closer).
 *
 * @param queries - `[m, dim]` from {@link prepareQueries}
 * @param rows - `[n, dim]` rows of the index (a subarray view; not copied)
 * @param terms - the rows' {@link rowTerms}
 * @example
 * const s = await scoreBlock("cosine", q, rows, terms, 768);
 */
export async function scoreBlock(
  metric: Metric,
  queries: Float32Array,
  rows: Float32Array,
  terms: Float32Array,
  dim: number,
): Promise<Float32Array> {
  const m = queries.length / dim;
  const n = rows.length / dim;
  try {
    const out = await (
      await session(metric)
    ).run({
      q: new ort.Tensor("float32", queries, [m, dim]),
      x: new ort.Tensor("float32", rows, [n, dim]),
      t: new ort.Tensor("float32", terms, [n]),
    });
    return out.scores.data as Float32Array;
  } catch (e) {
    throw wrapError(e, "E_INFERENCE", `onnxruntime could not score ${m} × ${n} vectors`);
  }
}
