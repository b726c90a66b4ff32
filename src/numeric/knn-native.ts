/**
 * A synchronous {@link ScoreKernel} on onnxruntime's native matrix product. onnxruntime-node only runs
 * asynchronously, while estimators predict synchronously; so the product runs on a worker thread and the caller
 * waits on a shared status word (Atomics.wait), with inputs and output in shared memory.
 */
import { Worker } from "node:worker_threads";
import { VidmaeError } from "../errors.js";
import type { ScoreKernel } from "./knn.js";
import type { KnnMetric } from "./knn-scores.js";

/**
 * One request to the kernel worker: shared buffers of the prepared queries `[m, dim]`, rows `[n, dim]`, row
 * terms `[n]`, the output `[m, n]` and the status word (0 pending, 1 done, 2 failed).
 *
 * @example
 * worker.postMessage({ metric: "l2", m, n, dim, queries, rows, terms, out, status } satisfies KernelRequest);
 */
export interface KernelRequest {
  metric: KnnMetric;
  m: number;
  n: number;
  dim: number;
  queries: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  terms: SharedArrayBuffer;
  out: SharedArrayBuffer;
  status: SharedArrayBuffer;
}

/**
 * The worker's source: runs one score graph per {@link KernelRequest} and sets the status word. Plain JavaScript
 * evaluated by the worker, so the same code runs from the sources (under a TypeScript loader, which workers do
 * not inherit for their entry) and from the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require("onnxruntime-node");
const sessions = new Map();
// onnxruntime refuses tensors on shared memory, hence the copies.
async function run(r) {
  if (!sessions.has(r.metric)) sessions.set(r.metric, ort.InferenceSession.create(workerData[r.metric]));
  const out = await (await sessions.get(r.metric)).run({
    q: new ort.Tensor("float32", new Float32Array(r.queries).slice(), [r.m, r.dim]),
    x: new ort.Tensor("float32", new Float32Array(r.rows).slice(), [r.n, r.dim]),
    t: new ort.Tensor("float32", new Float32Array(r.terms).slice(), [r.n]),
  });
  new Float32Array(r.out).set(out.scores.data);
}
parentPort.on("message", (r) => {
  const status = new Int32Array(r.status);
  run(r).then(() => Atomics.store(status, 0, 1), () => Atomics.store(status, 0, 2))
    .finally(() => Atomics.notify(status, 0));
});
`;

/** A worker that does not start or answer within this time is treated as failed (a 64 MB block takes < 5 s). */
const TIMEOUT_MS = 120_000;

function shared(data: Float32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(data.byteLength);
  new Float32Array(buffer).set(data);
  return buffer;
}

/**
 * A blocking score kernel over ONNX score graphs (one per metric: inputs `q [m, d]`, `x [n, d]`, `t [n]`, output
 * `scores [m, n]`). The worker starts on first use and does not keep the process alive.
 *
 * @param models - the serialised score graph of each metric
 * @throws VidmaeError `E_INFERENCE` (from the kernel) when onnxruntime fails or does not answer
 * @example
 * const kernel = blockingScoreKernel({ l2: graphBytes("l2"), cosine: graphBytes("cosine") });
 * sklearnKneighbors(Xtest, rows, 5, kernel);
 */
export function blockingScoreKernel(models: Record<KnnMetric, Uint8Array>): ScoreKernel {
  let worker: Worker | undefined;
  return (metric, queries, rows, terms, dim) => {
    if (!worker) {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: models });
      worker.unref();
      worker.on("error", () => (worker = undefined));
    }
    const m = queries.length / dim;
    const n = rows.length / dim;
    const status = new SharedArrayBuffer(4);
    const out = new SharedArrayBuffer(m * n * 4);
    const request: KernelRequest = {
      metric,
      m,
      n,
      dim,
      queries: shared(queries),
      rows: shared(rows),
      terms: shared(terms),
      out,
      status,
    };
    worker.postMessage(request);
    const flag = new Int32Array(status);
    Atomics.wait(flag, 0, 0, TIMEOUT_MS);
    if (Atomics.load(flag, 0) !== 1)
      throw new VidmaeError("E_INFERENCE", `onnxruntime could not score ${m} × ${n} vectors`);
    return new Float32Array(out);
  };
}
