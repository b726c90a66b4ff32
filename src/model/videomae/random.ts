/**
 * Seeded random-weight VideoMAE checkpoints in exact hub layout: what tests, benchmarks and the offline demo run
 * when no pretrained weights can be had.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RandomState } from "../../numeric/random-state.js";
import { writeSafetensors } from "../weights/safetensors.js";
import { type RawTensor, fromFloat32 } from "../weights/tensor.js";
import { type VideoMAEConfig, parseVideoMAEConfig } from "./config.js";
import { type CheckpointKind, encoderKeys, headKeys } from "./keys.js";

/** Options for {@link writeRandomCheckpoint}. */
export interface RandomCheckpointOptions {
  /** Fields of config.json to set (the rest take VideoMAEConfig's defaults, i.e. ViT-B). */
  config?: Partial<Omit<VideoMAEConfig, "model_type">>;
  /** @defaultValue "base" */
  kind?: CheckpointKind;
  /** Labels for a classification checkpoint. @defaultValue ["LABEL_0", "LABEL_1", "LABEL_2"] */
  labels?: string[];
  /** @defaultValue 0 */
  seed?: number;
  /** Storage dtype of the weights. @defaultValue "F32" */
  dtype?: "F32" | "F16" | "BF16";
  /** Preprocessor `size.shortest_edge`/crop; default the config's image_size. */
  imageSize?: number;
}

/** Normal draws by Box–Muller on a seeded Mersenne Twister. */
function normals(rng: RandomState, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    const theta = 2 * Math.PI * rng.random();
    out[i] = mean + r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(theta);
  }
  return out;
}

/** Draws one weight the way the reference fixtures were made (LayerNorm ≈ 1, small biases, scaled kernels). */
function randomWeight(rng: RandomState, key: string, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const isNorm = /(layernorm|norm)[^.]*\.(weight|bias)$/.test(key);
  if (isNorm) return key.endsWith("weight") ? normals(rng, n, 0.1, 1) : normals(rng, n, 0.05);
  if (key.endsWith("q_bias") || key.endsWith("v_bias")) return normals(rng, n, 0.1);
  if (shape.length === 1) return normals(rng, n, 0.05);
  const fanIn = n / shape[0];
  return normals(rng, n, Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(fanIn))));
}

const ARCHITECTURES: Record<CheckpointKind, string> = {
  base: "VideoMAEModel",
  classification: "VideoMAEForVideoClassification",
  pretraining: "VideoMAEForPreTraining",
};

/**
 * Writes `config.json`, `model.safetensors` and `preprocessor_config.json` of a random-weight VideoMAE.
 *
 * @returns the parsed config of the written checkpoint
 * @example
 * await writeRandomCheckpoint("/tmp/vitb", { kind: "classification", labels: ["a", "b"] }); // ViT-B sized
 * await writeRandomCheckpoint("/tmp/tiny", { config: { hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, image_size: 32, patch_size: 8, num_frames: 4 } });
 */
export async function writeRandomCheckpoint(
  dir: string,
  options: RandomCheckpointOptions = {},
): Promise<VideoMAEConfig> {
  const kind = options.kind ?? "base";
  const labels = options.labels ?? ["LABEL_0", "LABEL_1", "LABEL_2"];
  const json: Record<string, unknown> = {
    model_type: "videomae",
    architectures: [ARCHITECTURES[kind]],
    ...options.config,
  };
  if (kind === "classification") {
    json.id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
    json.label2id = Object.fromEntries(labels.map((l, i) => [l, i]));
  }
  const config = parseVideoMAEConfig(json, join(dir, "config.json"));
  const rng = new RandomState(options.seed ?? 0);
  const prefix = kind === "base" ? "" : "videomae.";
  const shapes = new Map<string, number[]>();
  for (const [k, s] of encoderKeys(config)) shapes.set(prefix + k, s);
  if (kind === "classification") for (const [k, s] of headKeys(config, labels.length)) shapes.set(k, s);
  // A decoder-side tensor, as pre-training checkpoints carry: the loader must ignore it.
  if (kind === "pretraining") shapes.set("mask_token", [1, 1, config.hidden_size]);
  const tensors: Record<string, RawTensor> = {};
  for (const [key, shape] of shapes)
    tensors[key] = fromFloat32(randomWeight(rng, key, shape), shape, options.dtype ?? "F32");
  const size = options.imageSize ?? config.image_size;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(json, null, 2));
  await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
  await writeFile(
    join(dir, "preprocessor_config.json"),
    JSON.stringify(
      {
        image_processor_type: "VideoMAEImageProcessor",
        do_resize: true,
        size: { shortest_edge: size },
        resample: 2,
        do_center_crop: true,
        crop_size: { height: size, width: size },
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: [0.485, 0.456, 0.406],
        image_std: [0.229, 0.224, 0.225],
      },
      null,
      2,
    ),
  );
  return config;
}
