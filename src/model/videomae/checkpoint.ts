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
import { type RawTensor, toFloat32 } from "../weights/tensor.js";
import { readTorchBin } from "../weights/torch-bin.js";
import { type VideoMAEConfig, checkConfigLimits, parseConfigFields, readConfigJson } from "./config.js";
import { type CheckpointKind, PRETRAINING_ONLY, configMismatch, encoderKeys, headKeys } from "./keys.js";

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

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
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

async function readWeights(
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
      const { tensors, shards } = await readSharded(file, readTorchBin);
      return { file, tensors, files: [file, ...shards] };
    }
  }
}

function detectKind(config: VideoMAEConfig, keys: Set<string>): CheckpointKind {
  const arch = config.architectures?.[0];
  if (arch === "VideoMAEForVideoClassification") return "classification";
  if (arch === "VideoMAEForPreTraining") return "pretraining";
  if (arch === "VideoMAEModel") return "base";
  if (keys.has("classifier.weight")) return "classification";
  if ([...keys].some((k) => PRETRAINING_ONLY.some((p) => k.startsWith(p)))) return "pretraining";
  return "base";
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
  const raw = new Set(tensors.keys());
  const kind = detectKind(fields, raw);
  const wrapped = kind !== "base" || [...raw].some((k) => k.startsWith("videomae."));
  const prefix = wrapped ? "videomae." : "";
  // Against the weights first: "the weights hold 2 layers" says more than "above the limit of 256".
  const mismatch = configMismatch(fields, tensors, prefix);
  if (mismatch) throw new VidmaeError("E_CHECKPOINT", `${configPath} ${mismatch}`);
  const config = checkConfigLimits(fields, configPath);

  // HF's num_labels is len(id2label); without a label map the classifier's rows say it.
  const numLabels =
    kind !== "classification"
      ? 0
      : config.id2label
        ? Object.keys(config.id2label).length
        : (tensors.get("classifier.weight")?.shape[0] ?? 0);
  const expected = new Map<string, number[]>();
  for (const [k, shape] of encoderKeys(config)) expected.set(prefix + k, shape);
  if (kind === "classification") for (const [k, shape] of headKeys(config, numLabels)) expected.set(k, shape);

  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const t = tensors.get(key);
    if (!t) problems.push(`missing tensor ${key} (expected shape ${shapeText(shape)})`);
    else if (shapeText(t.shape) !== shapeText(shape))
      problems.push(
        `tensor ${key} has shape ${shapeText(t.shape)} but the config implies ${shapeText(shape)}`,
      );
  }
  for (const key of raw) {
    const ignored = kind === "pretraining" && PRETRAINING_ONLY.some((p) => key.startsWith(p));
    if (!expected.has(key) && !ignored)
      problems.push(
        `unexpected tensor ${key} with shape ${shapeText(tensors.get(key)!.shape)} (not part of this config)`,
      );
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join("; ");
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : "";
    throw new VidmaeError("E_CHECKPOINT", `${file}: ${shown}${more}`);
  }

  const weights = new Map<string, Float32Array>();
  for (const key of expected.keys()) {
    const unprefixed = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    weights.set(unprefixed, toFloat32(tensors.get(key)!, key, file));
  }
  let labels: string[] | null = null;
  if (kind === "classification") {
    labels = Array.from({ length: numLabels }, (_, i) => config.id2label?.[String(i)] ?? `LABEL_${i}`);
  }
  return { dir, config, kind, weightsFile: file, weights, labels, files: [configPath, ...files] };
}
