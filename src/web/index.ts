/**
 * `vidmae/web`: VideoMAE in the browser on onnxruntime-web — the same checks, graph and numbers as the Node
 * library, from a model folder served over HTTP. Built by `npm run build` into `dist/web/vidmae-web.js`
 * (self-contained ESM; onnxruntime-web's `.mjs`/`.wasm` beside it).
 *
 * @example
 * import { loadModel } from "vidmae/web";
 * const model = await loadModel("/models/videomae-base/", { backend: "wasm" });
 * const { pooled } = await model.forward(pixels, [1, 16, 3, 224, 224]);
 */
export {
  loadModel,
  WebVideoMAE,
  type LoadModelOptions,
  type WebForwardResult,
  type WebVideoEmbedding,
} from "./model.js";
export type { VideoBlob } from "./prepare-video.js";
export { MODEL_CACHE, type FetchProgress } from "./fetch-file.js";
export { wasmThreads, type Backend } from "./runtime.js";
export { VidmaeError } from "../errors.js";
