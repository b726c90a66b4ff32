/**
 * vidmae: video classification on VideoMAE embeddings for Node.js — the typed public API.
 *
 * @example
 * import { VideoMAE } from "vidmae";
 * const model = await VideoMAE.load("MCG-NJU/videomae-base-finetuned-kinetics");
 * const { meanPooled, logits } = await model.forward({ data: pixels, dims: [1, 16, 3, 224, 224] });
 * model.topK(logits!, 5);
 */
export { ERROR_CODES, NotFittedError, VidmaeError, invalidParameterError, type ErrorCode } from "./errors.js";
export { VERSION } from "./version.js";

// Model: checkpoints, graph, runtime, hub.
export {
  VideoMAE,
  type ExecutionProvider,
  type Float32Tensor,
  type ForwardOptions,
  type ForwardResult,
  type ModelOptions,
} from "./model/videomae/model.js";
export { loadCheckpoint, type Checkpoint } from "./model/videomae/checkpoint.js";
export { loadVideoMAEConfig, parseVideoMAEConfig, type VideoMAEConfig } from "./model/videomae/config.js";
export { type CheckpointKind } from "./model/videomae/keys.js";
export { writeRandomCheckpoint, type RandomCheckpointOptions } from "./model/videomae/random.js";
export { sinusoidTable } from "./model/videomae/position.js";
export {
  pullModel,
  isRepoId,
  type PullOptions,
  type PullProgress,
  type PullResult,
} from "./model/hub/pull.js";
export { resolveModelDir } from "./model/hub/resolve.js";
export { hubCacheDir } from "./model/hub/settings.js";
export {
  readSafetensors,
  parseSafetensors,
  writeSafetensors,
  encodeSafetensors,
} from "./model/weights/safetensors.js";
export { readTorchBin } from "./model/weights/torch-bin.js";
export { fromFloat32, toFloat32, type DType, type RawTensor } from "./model/weights/tensor.js";
