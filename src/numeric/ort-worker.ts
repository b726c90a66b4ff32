/**
 * The worker thread behind {@link import("./blocking-session.js")}: it owns the onnxruntime sessions and the
 * resident inputs (uploaded once, then reused by every run), answers each run on the reply port and then wakes
 * the blocked caller through the shared status word. Requests are handled one at a time, in arrival order.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type * as Ort from "onnxruntime-node";
import type { OutputArray, WorkerReply, WorkerRequest, WorkerTensor } from "./blocking-session.js";

const reply: MessagePort = workerData.reply;
const status = new Int32Array(workerData.status as SharedArrayBuffer);
const sessions = new Map<number, Promise<Ort.InferenceSession>>();
const resident = new Map<number, Float32Array | Float64Array>();
// Loaded here rather than by a static import so a broken install answers the caller instead of killing the worker.
const ort = import("onnxruntime-node");
// A rejected load is reported by the first run; this keeps it from being an unhandled rejection meanwhile.
ort.catch(() => undefined);

async function tensor(feed: WorkerTensor): Promise<Ort.Tensor> {
  const { Tensor } = await ort;
  const typeOf = (data: Float32Array | Float64Array) =>
    data instanceof Float64Array ? "float64" : "float32";
  if ("data" in feed) return new Tensor(typeOf(feed.data), feed.data, feed.dims);
  const whole = resident.get(feed.resident);
  if (!whole) throw new Error(`resident input ${feed.resident} is gone`);
  const length = feed.dims.reduce((a, b) => a * b, 1);
  return new Tensor(typeOf(whole), whole.subarray(feed.offset, feed.offset + length), feed.dims);
}

async function run(request: Extract<WorkerRequest, { op: "run" }>): Promise<OutputArray[]> {
  const session = sessions.get(request.session);
  if (!session) throw new Error(`session ${request.session} was never created`);
  const feeds: Record<string, Ort.Tensor> = {};
  for (const [name, feed] of Object.entries(request.feeds)) feeds[name] = await tensor(feed);
  const outputs = await (await session).run(feeds);
  return request.outputs.map((name) => outputs[name].data as OutputArray);
}

function answer(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  reply.postMessage(message, transfer);
  Atomics.store(status, 0, 1);
  Atomics.notify(status, 0);
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.op) {
    case "session": {
      const created = ort.then(({ InferenceSession }) =>
        // Errors reach the caller as exceptions; onnxruntime's own log line would only repeat them on stderr.
        InferenceSession.create(request.model, { graphOptimizationLevel: "all", logSeverityLevel: 4 }),
      );
      created.catch(() => undefined); // reported by the runs that need it
      sessions.set(request.id, created);
      return;
    }
    case "upload":
      resident.set(request.id, request.data);
      return;
    case "drop":
      resident.delete(request.id);
      return;
    case "run":
      try {
        // Output buffers are the tensors' own: hand them over without a copy when they are not shared views.
        const data = (await run(request)).map((out) =>
          out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice(),
        );
        answer(
          { data },
          data.map((out) => out.buffer as ArrayBuffer),
        );
      } catch (e) {
        answer({ error: e instanceof Error ? e.message : String(e) });
      }
  }
}

let queue = Promise.resolve();
parentPort!.on("message", (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
