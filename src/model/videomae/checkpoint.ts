/**
 * Loads a VideoMAE checkpoint directory in Hugging Face layout: `config.json`, weights in `model.safetensors`
 * (or sharded), or `pytorch_model.bin`; checks every key and shape against the config before any graph is built.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { VidmaeError } from "../../errors.js";
import { readSafetensors } from "../weights/safetensors.js";
import { readSharded } from "../weights/sharded.js";
import type { RawTensor } from "../weights/tensor.js";
import { readTorchBin } from "../weights/torch-bin.js";
import { type VideoMAEConfig, parseConfigFields } from "./config.js";
import { readConfigJson } from "./config-file.js";
import type { CheckpointKind } from "./keys.js";
import { HF_LAYOUT, type Layout } from "./layout.js";
import { verifyCheckpoint } from "./verify.js";

export { shapeText, verifyTensors } from "./verify.js";

/** Weight files in the order HF's `from_pretrained` prefers them. */
const WEIGHT_FILES = [
  "model.safetensors",
  "model.safetensors.index.json",
  "pytorch_model.bin",
  "pytorch_model.bin.index.json",
] as const;

/**
 * A checkpoint whose keys and shapes were verified against its config; weights as float32, keyed without the
 * `videomae.` wrapper prefix (head keys keep their own names).
 */
export interface Checkpoint {
  /** The model directory. */
  dir: string;
  config: VideoMAEConfig;
  kind: CheckpointKind;
  /** The weight file (or index) that was read. */
  weightsFile: string;
  /** Verified float32 weights by unprefixed key. */
  weights: Map<string, Float32Array>;
  /** Labels by class index for classification checkpoints (from `id2label`, else `LABEL_i`). */
  labels: string[] | null;
  /** config.json and the weight files (shards included): what identifies the model's content. */
  files: string[];
  /** The layout the checkpoint came in and what it adds to HF's VideoMAE. */
  layout: Layout;
}

/**
 * sha256 over the contents of files, in order: a model's content identity for stores.
 *
 * @example
 * const id = await hashFiles(ckpt.files);
 */
export async function hashFiles(paths: string[]): Promise<string> {
  const h = createHash("sha256");
  for (const p of paths) {
    for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
    h.update("\0");
  }
  return h.digest("hex");
}

/**
 * The weight file a directory would be loaded from (HF's preference order), or null.
 *
 * @example
 * findWeightsFile("test/fixtures/videomae/tiny-classifier"); // ".../model.safetensors"
 */
export function findWeightsFile(dir: string): string | null {
  const name = WEIGHT_FILES.find((f) => existsSync(join(dir, f)));
  return name ? join(dir, name) : null;
}

/**
 * Reads a directory's weights (HF's preference order, shards joined), unverified.
 *
 * @returns the file (or index) read, every tensor by key, and every file read
 * @throws VidmaeError `E_CHECKPOINT` when there are no weights; the readers' errors
 * @example
 * const { tensors } = await readWeights("test/fixtures/videomae-v2/v2-hub");
 */
export async function readWeights(
  dir: string,
): Promise<{ file: string; tensors: Map<string, RawTensor>; files: string[] }> {
  const file = findWeightsFile(dir);
  if (!file)
    throw new VidmaeError(
      "E_CHECKPOINT",
      `${dir}: no weights found (expected one of ${WEIGHT_FILES.join(", ")})`,
    );
  const name = basename(file) as (typeof WEIGHT_FILES)[number];
  switch (name) {
    case "model.safetensors":
      return { file, tensors: await readSafetensors(file), files: [file] };
    case "pytorch_model.bin":
      return { file, tensors: await readTorchBin(file), files: [file] };
    case "model.safetensors.index.json": {
      const { tensors, shards } = await readSharded(file, readSafetensors);
      return { file, tensors, files: [file, ...shards] };
    }
    case "pytorch_model.bin.index.json": {
      const { tensors, shards } = await readSharded(file, (path) => readTorchBin(path));
      return { file, tensors, files: [file, ...shards] };
    }
  }
}

/**
 * Reads and verifies a checkpoint directory.
 *
 * @throws VidmaeError `E_CHECKPOINT` (missing config.json or weights, a config size the weights contradict,
 *   missing/unexpected/misshapen tensors — each named with both shapes), `E_CONFIG`, `E_WEIGHTS` (truncated or corrupt file), `E_UNSUPPORTED_DTYPE`
 * @example
 * const ckpt = await loadCheckpoint("test/fixtures/videomae/tiny-classifier");
 * ckpt.kind; // "classification"
 * ckpt.labels; // ["archery", "bowling", "cooking", "dancing", "juggling"]
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const configPath = join(dir, "config.json");
  const fields = parseConfigFields(await readConfigJson(configPath), configPath);
  const { file, tensors, files } = await readWeights(dir);
  const { config, kind, weights, labels } = verifyCheckpoint(fields, configPath, tensors, file);
  return {
    dir,
    config,
    kind,
    weightsFile: file,
    weights,
    labels,
    files: [configPath, ...files],
    layout: HF_LAYOUT,
  };
}
