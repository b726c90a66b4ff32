/**
 * onnxruntime-web set up for this bundle: its `.mjs`/`.wasm` files are loaded from next to the bundle (so serving
 * the folder statically is enough), SIMD always (the only build onnxruntime-web ships), threads when the page is
 * cross-origin isolated (SharedArrayBuffer needs it).
 */
import * as ort from "onnxruntime-web/wasm";
import { VidmaeError, invalidParameterError } from "../errors.js";
import { browserGlobals } from "./globals.js";

/** Where inference runs. */
export type Backend = "wasm" | "webgpu";

/** Most threads used: past four, attention on a ViT-B clip gains little and the page stays responsive. */
const MAX_THREADS = 4;

let configured = false;

/** Points onnxruntime-web at the files copied beside the bundle and picks the thread count, once. */
function configureWasm(): void {
  if (configured) return;
  configured = true;
  const g = browserGlobals();
  ort.env.wasm.wasmPaths = new URL("./", import.meta.url).href;
  ort.env.wasm.simd = true;
  ort.env.wasm.numThreads = g.crossOriginIsolated
    ? Math.max(1, Math.min(MAX_THREADS, g.navigator?.hardwareConcurrency ?? 1))
    : 1;
}

/**
 * The threads onnxruntime-web runs with in this page (1 unless cross-origin isolated).
 *
 * @example
 * wasmThreads(); // 4 on a COOP/COEP page of a 4-core machine
 */
export function wasmThreads(): number {
  configureWasm();
  return ort.env.wasm.numThreads ?? 1;
}

/**
 * Checks a backend can run our graph here and gives the execution providers to use.
 *
 * WebGPU is refused: onnxruntime-web's WebGPU `com.microsoft` Attention kernel returned wrong numbers for this
 * graph (right after the first layer, on SwiftShader), and a backend that returns wrong vectors is worse than
 * none. Without an adapter the refusal says so first.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown backend, `E_INFERENCE` for `webgpu`
 * @example
 * await executionProviders("wasm"); // ["wasm"]
 */
export async function executionProviders(backend: Backend): Promise<string[]> {
  if (backend !== "wasm" && backend !== "webgpu")
    throw invalidParameterError("backend", "one of: wasm, webgpu", backend);
  configureWasm();
  if (backend === "wasm") return ["wasm"];
  const gpu = browserGlobals().navigator?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (!adapter)
    throw new VidmaeError(
      "E_INFERENCE",
      "backend webgpu: this browser gives no WebGPU adapter; use backend wasm",
    );
  throw new VidmaeError(
    "E_INFERENCE",
    "backend webgpu: onnxruntime-web's WebGPU Attention kernel gives wrong results for the VideoMAE graph; use backend wasm",
  );
}

/**
 * Creates an inference session on ONNX bytes.
 *
 * @throws VidmaeError `E_INFERENCE` when onnxruntime-web refuses the graph
 * @example
 * const session = await createSession(bytes, ["wasm"], "https://example.org/model/");
 */
export async function createSession(
  bytes: Uint8Array,
  providers: string[],
  where: string,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: providers,
      graphOptimizationLevel: "all",
    });
  } catch (e) {
    throw new VidmaeError(
      "E_INFERENCE",
      `${where}: onnxruntime-web could not create a session (${providers.join(", ")}): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

export { ort };
