/**
 * Synchronous onnxruntime runs for code that must stay synchronous (estimators' fit and predict), while
 * onnxruntime-node only runs asynchronously: the graph runs on one shared worker thread (./ort-worker.ts) and
 * the caller blocks on a shared status word (Atomics.wait), then takes the answer off a message port
 * (receiveMessageOnPort). Inputs and outputs move as transferred buffers; large inputs that stay the same across
 * runs (training rows) are uploaded once and stay resident in the worker (onnxruntime refuses shared memory, so
 * a SharedArrayBuffer could not spare that copy).
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { VidmaeError } from "../errors.js";

type FloatArray = Float32Array | Float64Array;

/**
 * The data of a graph output: float32, float64 or int32 (cast indices to int32 in the graph).
 *
 * @example
 * const [scores, rows] = session.run(feeds, ["scores", "rows"]) as [Float32Array, Int32Array];
 */
export type OutputArray = Float32Array | Float64Array | Int32Array;

/**
 * One graph input: `data` row-major with shape `dims`. A `resident` input's whole buffer goes to the worker on
 * first use and is reused by later runs that pass a view of the same buffer, so its contents must not change
 * afterwards: `"copy"` uploads a copy, `"move"` transfers the buffer itself (the caller's array is left empty,
 * and later runs pass that same array; it must span its whole buffer).
 *
 * @example
 * const feed: Feed = { data: rows.subarray(0, 100 * 768), dims: [100, 768], resident: "copy" };
 */
export interface Feed {
  data: FloatArray;
  dims: number[];
  resident?: "copy" | "move";
}

/**
 * A graph input on the wire: inline data, or a window (element `offset`, shape `dims`) of a resident buffer.
 *
 * @example
 * const t: WorkerTensor = { dims: [2, 768], resident: 3, offset: 1536 };
 */
export type WorkerTensor =
  { dims: number[]; data: FloatArray } | { dims: number[]; resident: number; offset: number };

/**
 * A message to the worker: create a session, upload or drop a resident buffer, or run a session.
 *
 * @example
 * worker.postMessage({ op: "drop", id: 3 } satisfies WorkerRequest);
 */
export type WorkerRequest =
  | { op: "session"; id: number; model: Uint8Array }
  | { op: "upload"; id: number; data: FloatArray }
  | { op: "drop"; id: number }
  | { op: "run"; session: number; feeds: Record<string, WorkerTensor>; outputs: readonly string[] };

/**
 * The worker's answer to a run: the outputs' data in the order asked, or onnxruntime's error message.
 *
 * @example
 * const reply: WorkerReply = { error: "Invalid argument" };
 */
export type WorkerReply = { data: OutputArray[] } | { error: string };

/** A worker that does not start or answer within this time is treated as failed (a 64 MB block takes < 5 s). */
const TIMEOUT_MS = 120_000;

/** The live worker, its reply port and status word, and the sessions and resident buffers it holds. */
interface Channel {
  worker: Worker;
  port: MessagePort;
  status: Int32Array;
  uploaded: WeakMap<object, number>;
  sessions: Set<number>;
}

let channel: Channel | undefined;
let nextId = 1;

/** Frees a resident copy in the worker once its source buffer is garbage. */
const residents = new FinalizationRegistry<{ channel: Channel; id: number }>(({ channel: c, id }) => {
  if (c === channel) c.worker.postMessage({ op: "drop", id } satisfies WorkerRequest);
});

/**
 * The worker module: the built ort-worker.js next to this file, or, when running from the sources, a two-line
 * module that registers tsx first (Node 20 workers do not inherit the parent's TypeScript loader for their entry).
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./ort-worker.js", import.meta.url);
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL("./ort-worker.ts", import.meta.url).href);
  const boot = `import { register } from ${tsx}; register(); await import(${entry});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

function connect(): Channel {
  if (channel) return channel;
  const { port1, port2 } = new MessageChannel();
  const status = new SharedArrayBuffer(4);
  const worker = new Worker(workerEntry(), {
    workerData: { reply: port2, status },
    transferList: [port2],
  });
  worker.unref();
  const c: Channel = {
    worker,
    port: port1,
    status: new Int32Array(status),
    uploaded: new WeakMap(),
    sessions: new Set(),
  };
  worker.on("error", () => {
    if (channel === c) channel = undefined;
  });
  channel = c;
  return c;
}

/**
 * Starts the shared worker (and its onnxruntime load) without waiting, so a later first run does not pay for it.
 *
 * @example
 * startWorker(); // at fit, when predict will probably go native
 */
export function startWorker(): void {
  connect();
}

/**
 * Frees the worker's copy of a resident input now instead of when `data`'s buffer is garbage collected.
 *
 * @example
 * releaseResident(x); // after the last run that feeds x
 */
export function releaseResident(data: FloatArray): void {
  const c = channel;
  const id = c?.uploaded.get(data.buffer);
  if (!c || id === undefined) return;
  c.uploaded.delete(data.buffer);
  residents.unregister(data.buffer);
  c.worker.postMessage({ op: "drop", id } satisfies WorkerRequest);
}

/** Copies `data`'s whole buffer (shared or not) into a transferable one of the same element type. */
function copyOf(data: FloatArray, whole: boolean): FloatArray {
  const Ctor = data instanceof Float64Array ? Float64Array : Float32Array;
  // The cast only widens the type: a typed-array copy of a SharedArrayBuffer view is an unshared buffer.
  return new Ctor(whole ? new Ctor(data.buffer as ArrayBuffer) : data);
}

function residentId(c: Channel, data: FloatArray, mode: "copy" | "move"): number {
  const key = data.buffer;
  let id = c.uploaded.get(key);
  if (id === undefined) {
    id = nextId++;
    if (mode === "move" && (data.byteOffset !== 0 || data.byteLength !== key.byteLength))
      throw new VidmaeError("E_SHAPE", "a moved resident input must span its whole buffer");
    const sent = mode === "move" ? data : copyOf(data, true);
    c.worker.postMessage({ op: "upload", id, data: sent } satisfies WorkerRequest, [
      sent.buffer as ArrayBuffer,
    ]);
    c.uploaded.set(key, id);
    residents.register(key, { channel: c, id }, key);
  }
  return id;
}

/**
 * An ONNX graph run synchronously on the shared worker thread, which starts on first use and does not keep the
 * process alive.
 *
 * @example
 * const session = new BlockingSession(graphBytes);
 * const [scores] = session.run({ x: { data: X, dims: [n, d], resident: "copy" }, w: { data: W, dims: [k, d] } }, ["s"]);
 */
export class BlockingSession {
  private readonly id = nextId++;

  constructor(private readonly model: Uint8Array) {}

  /**
   * Starts the worker and the session without waiting for either, so they load while the caller does other work.
   *
   * @example
   * session.prepare(); // then build the inputs; the first run finds the session ready
   */
  prepare(): void {
    this.connectSession();
  }

  /** The live channel, with this session created (or queued) on it. */
  private connectSession(): Channel {
    const c = connect();
    if (!c.sessions.has(this.id)) {
      c.worker.postMessage({ op: "session", id: this.id, model: this.model } satisfies WorkerRequest);
      c.sessions.add(this.id);
    }
    return c;
  }

  /**
   * Runs the graph and returns the data of the named outputs, in that order.
   *
   * @throws VidmaeError `E_INFERENCE` when onnxruntime fails or the worker does not answer
   */
  run(feeds: Record<string, Feed>, outputs: readonly string[]): OutputArray[] {
    const c = this.connectSession();
    const wire: Record<string, WorkerTensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, { data, dims, resident }] of Object.entries(feeds)) {
      if (resident) {
        const id = residentId(c, data, resident);
        wire[name] = { dims, resident: id, offset: data.byteOffset / data.BYTES_PER_ELEMENT };
      } else {
        const copy = copyOf(data, false);
        transfer.push(copy.buffer as ArrayBuffer);
        wire[name] = { dims, data: copy };
      }
    }
    Atomics.store(c.status, 0, 0);
    c.worker.postMessage(
      { op: "run", session: this.id, feeds: wire, outputs } satisfies WorkerRequest,
      transfer,
    );
    const waited = Atomics.wait(c.status, 0, 0, TIMEOUT_MS);
    const reply = receiveMessageOnPort(c.port)?.message as WorkerReply | undefined;
    if (waited === "timed-out" || reply === undefined) {
      if (channel === c) channel = undefined;
      void c.worker.terminate();
      throw new VidmaeError("E_INFERENCE", `onnxruntime did not answer within ${TIMEOUT_MS / 1000} s`);
    }
    if ("error" in reply) throw new VidmaeError("E_INFERENCE", `onnxruntime failed: ${reply.error}`);
    return reply.data;
  }
}
