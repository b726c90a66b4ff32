/**
 * The native candidate search of the k-NN estimators: the search module's score product (numeric/knn-scores.ts
 * defines the scores) followed by ONNX TopK, so a `[m, n]` score block never leaves onnxruntime; run
 * synchronously through numeric/knn-native.ts.
 */
import onnxProto from "onnx-proto";
import { ELEM, GraphBuilder, float, int } from "../../model/onnx/graph.js";
import type { KnnMetric } from "../../numeric/knn-scores.js";
import { blockingCandidateKernel } from "../../numeric/knn-native.js";
import type { CandidateKernel } from "../../numeric/knn.js";

const INT32 = onnxProto.onnx.TensorProto.DataType.INT32;

/**
 * The graph: inputs `q [m, d]` (prepared queries), `x [n, d]`, `t [n]` (row terms); outputs the `count` lowest
 * scores per query, ascending (`scores [m, count]`, ties to the lower row as ONNX TopK specifies) and their rows
 * (`rows [m, count]`, int32).
 *
 * @example
 * const bytes = candidateGraph("cosine", 21);
 */
export function candidateGraph(metric: KnnMetric, count: number): Uint8Array {
  const g = new GraphBuilder();
  const q = g.input("q", ELEM.float, ["m", "d"]);
  const x = g.input("x", ELEM.float, ["n", "d"]);
  const t = g.input("t", ELEM.float, ["n"]);
  const all =
    metric === "l2"
      ? g.node("Gemm", [q, x, t], "all", { transB: int(1), alpha: float(-2), beta: float(1) })
      : g.node("Mul", [g.node("Gemm", [q, x], "dots", { transB: int(1), alpha: float(-1) }), t], "all");
  const [scores, rows64] = g.nodeOutputs("TopK", [all, g.int64s("count", [count])], ["scores", "rows64"], {
    axis: int(-1),
    largest: int(0),
    sorted: int(1),
  });
  g.output(scores, ELEM.float, ["m", count]);
  g.output(g.node("Cast", [rows64], "rows", { to: int(INT32) }), INT32, ["m", count]);
  return g.toModel({ producer: "vidmae-classify", graphName: `candidates_${metric}` });
}

let kernel: CandidateKernel | undefined;

/**
 * The process-wide native {@link CandidateKernel} (one worker thread, one session per metric and count).
 *
 * @example
 * sklearnKneighbors(Xtest, prepareNeighborRows(Xtrain, "l2"), 5, nativeCandidates());
 */
export function nativeCandidates(): CandidateKernel {
  return (kernel ??= blockingCandidateKernel(candidateGraph));
}
