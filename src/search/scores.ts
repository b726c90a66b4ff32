/**
 * The heavy part of exact search: blocks of query × row scores from onnxruntime's native Gemm (two float32
 * matrices fed as graph inputs), about 50× faster than the best plain-JS loops measured here.
 *
 * Scores and their arithmetic (row terms, query preparation, score ↔ distance) are the k-NN engine's, in
 * numeric/knn-scores.ts; they are re-exported here for the search modules.
 */
import type * as Ort from "onnxruntime-node";
import { wrapError } from "../errors.js";
import { lazyRequire } from "../native.js";
import { ELEM, GraphBuilder, float, int } from "../model/onnx/graph.js";
import { blockingScoreKernel } from "../numeric/knn-native.js";
import type { ScoreKernel } from "../numeric/knn.js";
import type { Metric } from "./validate.js";

const ort = lazyRequire<typeof Ort>("onnxruntime-node");

export {
  SCORE_ERROR,
  pairDistance,
  prepareQueries,
  rowTerms,
  scoreLimit,
  toDistance,
} from "../numeric/knn-scores.js";

/** One session per metric for the life of the process: graph building and session setup cost ~10 ms. */
const sessions = new Map<Metric, Promise<Ort.InferenceSession>>();

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

function session(metric: Metric): Promise<Ort.InferenceSession> {
  let s = sessions.get(metric);
  if (!s) {
    s = ort().InferenceSession.create(scoreGraph(metric), { graphOptimizationLevel: "all" });
    // A failed creation must not poison later calls.
    s.catch(() => sessions.delete(metric));
    sessions.set(metric, s);
  }
  return s;
}

/**
 * Scores of `m` prepared queries against `n` rows, as a row-major `[m, n]` matrix (lower is closer).
 *
 * @param queries - `[m, dim]` from `prepareQueries`
 * @param rows - `[n, dim]` rows of the index (a subarray view; not copied)
 * @param terms - the rows' `rowTerms`
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
      q: new (ort().Tensor)("float32", queries, [m, dim]),
      x: new (ort().Tensor)("float32", rows, [n, dim]),
      t: new (ort().Tensor)("float32", terms, [n]),
    });
    return out.scores.data as Float32Array;
  } catch (e) {
    throw wrapError(e, "E_INFERENCE", `onnxruntime could not score ${m} × ${n} vectors`);
  }
}

let blocking: ScoreKernel | undefined;

/**
 * {@link scoreBlock}'s synchronous twin for estimators that predict synchronously: the same graphs, run on a
 * worker thread that the caller blocks on (see numeric/knn-native.ts).
 *
 * @example
 * sklearnKneighbors(Xtest, prepareNeighborRows(Xtrain, "l2"), 5, candidatesFromScores(blockingScoreBlock));
 */
export const blockingScoreBlock: ScoreKernel = (metric, queries, rows, terms, dim) =>
  (blocking ??= blockingScoreKernel({ l2: scoreGraph("l2"), cosine: scoreGraph("cosine") }))(
    metric,
    queries,
    rows,
    terms,
    dim,
  );
