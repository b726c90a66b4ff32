/**
 * `vidmae/model`: VideoMAE checkpoints, the ONNX encoder, weights files and the Hugging Face hub client.
 *
 * @example
 * import { VideoMAE, pullModel } from "vidmae/model";
 * await pullModel("MCG-NJU/videomae-base"); // into the Hugging Face cache (VideoMAE.load pulls too)
 * const model = await VideoMAE.load("MCG-NJU/videomae-base");
 * const { num_frames: t, image_size: size } = model.config;
 * const { meanPooled } = await model.forward({ data: new Float32Array(t * 3 * size * size), dims: [1, t, 3, size, size] });
 * console.log(meanPooled.dims); // → [ 1, 768 ]
 * await model.release();
 */
export {
  VideoMAE,
  type ExecutionProvider,
  type Float32Tensor,
  type ForwardOptions,
  type ForwardResult,
  type ModelOptions,
} from "./videomae/model.js";
export { loadCheckpoint, type Checkpoint } from "./videomae/checkpoint.js";
export { parseVideoMAEConfig, type VideoMAEConfig } from "./videomae/config.js";
export { loadVideoMAEConfig } from "./videomae/config-file.js";
export { type CheckpointKind } from "./videomae/keys.js";
export { writeRandomCheckpoint, type RandomCheckpointOptions } from "./videomae/random.js";
export { sinusoidTable } from "./videomae/position.js";
export { pullModel, isRepoId, type PullOptions, type PullProgress, type PullResult } from "./hub/pull.js";
export { resolveModelDir } from "./hub/resolve.js";
export { hubCacheDir } from "./hub/settings.js";
export {
  readSafetensors,
  parseSafetensors,
  writeSafetensors,
  encodeSafetensors,
} from "./weights/safetensors.js";
export { readTorchBin } from "./weights/torch-bin.js";
export { fromFloat32, toFloat32, type DType, type RawTensor } from "./weights/tensor.js";
