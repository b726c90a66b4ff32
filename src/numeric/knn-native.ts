/**
 * Synchronous k-NN kernels on onnxruntime's native matrix product, run through a {@link BlockingSession}: the
 * training rows and their terms are uploaded to the worker once (they are the estimator's own float32 copy,
 * fixed after fit), so each call only ships its queries and takes back the result, as transferred buffers.
 * The candidate kernel also selects inside the graph, so only `[m, count]` candidates cross back instead of the
 * `[m, n]` score block (on this machine, filling fresh memory costs more than the product itself).
 */
import { BlockingSession, type Feed } from "./blocking-session.js";
import type { CandidateKernel, ScoreKernel } from "./knn.js";
import type { KnnMetric } from "./knn-scores.js";

/** The graph inputs every kernel here takes: prepared queries, resident rows and their terms. */
function feeds(
  queries: Float32Array,
  rows: Float32Array,
  terms: Float32Array,
  dim: number,
): Record<string, Feed> {
  const m = queries.length / dim;
  const n = rows.length / dim;
  return {
    q: { data: queries, dims: [m, dim] },
    x: { data: rows, dims: [n, dim], resident: "copy" },
    t: { data: terms, dims: [n], resident: "copy" },
  };
}

/**
 * A blocking candidate kernel over ONNX graphs made by `graph(metric, count)`: inputs `q [m, d]`, `x [n, d]`,
 * `t [n]`; outputs `scores [m, count]` (float32, ascending) and `rows [m, count]` (int32), as ONNX TopK
 * (largest 0, sorted) gives them. The buffers under `rows` and `terms` are uploaded on first use and must not
 * change afterwards.
 *
 * @throws VidmaeError `E_INFERENCE` (from the kernel) when onnxruntime fails or does not answer
 * @example
 * const kernel = blockingCandidateKernel((metric, count) => candidateGraph(metric, count));
 * sklearnKneighbors(Xtest, rows, 5, kernel);
 */
export function blockingCandidateKernel(
  graph: (metric: KnnMetric, count: number) => Uint8Array,
): CandidateKernel {
  const sessions = new Map<string, BlockingSession>();
  return (metric, queries, rows, terms, dim, count) => {
    const key = `${metric}/${count}`;
    let session = sessions.get(key);
    if (!session) sessions.set(key, (session = new BlockingSession(graph(metric, count))));
    const [scores, found] = session.run(feeds(queries, rows, terms, dim), ["scores", "rows"]);
    return { scores: scores as Float32Array, rows: found as Int32Array };
  };
}

/**
 * A blocking score kernel over ONNX score graphs (one per metric: inputs `q [m, d]`, `x [n, d]`, `t [n]`, output
 * `scores [m, n]`). The buffers under `rows` and `terms` are uploaded on first use and must not change afterwards.
 *
 * @param models - the serialised score graph of each metric
 * @throws VidmaeError `E_INFERENCE` (from the kernel) when onnxruntime fails or does not answer
 * @example
 * const kernel = blockingScoreKernel({ l2: graphBytes("l2"), cosine: graphBytes("cosine") });
 * sklearnKneighbors(Xtest, rows, 5, candidatesFromScores(kernel));
 */
export function blockingScoreKernel(models: Record<KnnMetric, Uint8Array>): ScoreKernel {
  const sessions = { l2: new BlockingSession(models.l2), cosine: new BlockingSession(models.cosine) };
  return (metric, queries, rows, terms, dim) =>
    sessions[metric].run(feeds(queries, rows, terms, dim), ["scores"])[0] as Float32Array;
}
