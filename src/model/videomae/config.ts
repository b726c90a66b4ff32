/**
 * `config.json` of a VideoMAE checkpoint, parsed once with the defaults of HF's `VideoMAEConfig`.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { VidmaeError, wrapError } from "../../errors.js";

/** Activation names HF's `ACT2FN` maps for this model, and what we build for each. */
export const HIDDEN_ACTS = [
  "gelu",
  "gelu_new",
  "gelu_pytorch_tanh",
  "gelu_fast",
  "quick_gelu",
  "relu",
  "silu",
  "swish",
] as const;

const positiveInt = z.number().int().positive();

/** Schema of a VideoMAE `config.json`; every default is `VideoMAEConfig`'s. Unknown fields are ignored. */
export const videoMAEConfigSchema = z.object({
  model_type: z.literal("videomae", {
    error: (i) => `expected "videomae" but received ${JSON.stringify(i.input)}`,
  }),
  architectures: z.array(z.string()).optional(),
  image_size: positiveInt.default(224),
  patch_size: positiveInt.default(16),
  num_channels: positiveInt.default(3),
  num_frames: positiveInt.default(16),
  tubelet_size: positiveInt.default(2),
  hidden_size: positiveInt.default(768),
  num_hidden_layers: positiveInt.default(12),
  num_attention_heads: positiveInt.default(12),
  intermediate_size: positiveInt.default(3072),
  hidden_act: z.enum(HIDDEN_ACTS).default("gelu"),
  layer_norm_eps: z.number().positive().default(1e-12),
  qkv_bias: z.boolean().default(true),
  use_mean_pooling: z.boolean().default(true),
  id2label: z.record(z.string(), z.string()).optional(),
});

/** A parsed, defaulted VideoMAE config. */
export type VideoMAEConfig = z.infer<typeof videoMAEConfigSchema>;

/**
 * Validates a parsed `config.json` object: names the file and the first bad field.
 *
 * @throws VidmaeError `E_CONFIG`
 * @example
 * const config = parseVideoMAEConfig({ model_type: "videomae", hidden_size: 32 }, "config.json");
 * config.num_hidden_layers; // 12 (the VideoMAEConfig default)
 */
export function parseVideoMAEConfig(json: unknown, file: string): VideoMAEConfig {
  const parsed = videoMAEConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "(root)";
    throw new VidmaeError("E_CONFIG", `${file}: field ${field}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.hidden_size % c.num_attention_heads !== 0)
    throw new VidmaeError(
      "E_CONFIG",
      `${file}: field hidden_size: ${c.hidden_size} is not a multiple of num_attention_heads (${c.num_attention_heads})`,
    );
  if (c.image_size % c.patch_size !== 0)
    throw new VidmaeError(
      "E_CONFIG",
      `${file}: field image_size: ${c.image_size} is not a multiple of patch_size (${c.patch_size})`,
    );
  if (c.num_frames % c.tubelet_size !== 0)
    throw new VidmaeError(
      "E_CONFIG",
      `${file}: field num_frames: ${c.num_frames} is not a multiple of tubelet_size (${c.tubelet_size})`,
    );
  return c;
}

/**
 * Reads and validates `config.json`.
 *
 * @throws VidmaeError `E_CHECKPOINT` when the file is missing, `E_CONFIG` when it is not a VideoMAE config
 * @example
 * const config = await loadVideoMAEConfig("test/fixtures/videomae/tiny-model/config.json");
 */
export async function loadVideoMAEConfig(path: string): Promise<VideoMAEConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new VidmaeError(
        "E_CHECKPOINT",
        `${path}: missing; a VideoMAE model directory needs a config.json`,
        { cause: e },
      );
    throw wrapError(e, "E_IO", `Cannot read ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw wrapError(e, "E_CONFIG", `${path}: not valid JSON`);
  }
  return parseVideoMAEConfig(json, path);
}

/** Tokens per clip of `frames` frames: (frames / tubelet) × (image / patch)². */
export function tokenCount(config: VideoMAEConfig, frames: number): number {
  const side = config.image_size / config.patch_size;
  return (frames / config.tubelet_size) * side * side;
}
