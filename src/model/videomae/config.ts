/**
 * `config.json` of a VideoMAE checkpoint, parsed once with the defaults of HF's `VideoMAEConfig`.
 *
 * A config comes from strangers and its sizes decide how much is allocated (layers, the position table, the
 * input), so each size is bounded by {@link CONFIG_LIMITS}; `loadCheckpoint` also checks them against
 * the weights.
 */
import { z } from "zod";
import { VidmaeError } from "../../errors.js";

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
 * Upper bounds on a config's sizes: well past every published VideoMAE (ViT-g: 40 layers, hidden 1408,
 * intermediate 6144; 16 frames of 224 px in 1568 tokens), far below what would exhaust memory.
 * `tokens` bounds (num_frames / tubelet_size) × (image_size / patch_size)², which sizes the position table
 * and every attention matrix; `labels` bounds the entries of `id2label`.
 */
export const CONFIG_LIMITS = {
  num_hidden_layers: 256,
  hidden_size: 16384,
  intermediate_size: 65536,
  image_size: 4096,
  num_frames: 1024,
  num_channels: 16,
  labels: 100_000,
  tokens: 16384,
} as const;

/** The size fields bounded one by one. */
const BOUNDED_FIELDS = [
  "num_hidden_layers",
  "hidden_size",
  "intermediate_size",
  "image_size",
  "num_frames",
  "num_channels",
] as const;

/**
 * Checks field types and fills defaults, without the size limits: `loadCheckpoint` compares the sizes
 * with the weights first, as a mismatch there says more than a limit.
 *
 * @throws VidmaeError `E_CONFIG` naming the file and the first bad field
 * @example
 * parseConfigFields({ model_type: "videomae", num_hidden_layers: 1000000 }, "config.json").num_hidden_layers; // 1000000
 */
export function parseConfigFields(json: unknown, file: string): VideoMAEConfig {
  const parsed = videoMAEConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "(root)";
    throw new VidmaeError("E_CONFIG", `${file}: field ${field}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Checks a typed config's sizes: each below {@link CONFIG_LIMITS}, heads dividing hidden, patches and tubelets
 * dividing the image and the clip, tokens per clip bounded.
 *
 * @throws VidmaeError `E_CONFIG` naming the file and the field
 * @example
 * checkConfigLimits(parseConfigFields({ model_type: "videomae" }, "config.json"), "config.json"); // the config
 */
export function checkConfigLimits(c: VideoMAEConfig, file: string): VideoMAEConfig {
  for (const field of BOUNDED_FIELDS)
    if (c[field] > CONFIG_LIMITS[field])
      throw new VidmaeError(
        "E_CONFIG",
        `${file}: field ${field}: ${c[field]} is above the limit of ${CONFIG_LIMITS[field]}`,
      );
  const labels = Object.keys(c.id2label ?? {}).length;
  if (labels > CONFIG_LIMITS.labels)
    throw new VidmaeError(
      "E_CONFIG",
      `${file}: field id2label: ${labels} labels is above the limit of ${CONFIG_LIMITS.labels}`,
    );
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
  const tokens = tokenCount(c, c.num_frames);
  if (tokens > CONFIG_LIMITS.tokens)
    throw new VidmaeError(
      "E_CONFIG",
      `${file}: fields num_frames, tubelet_size, image_size and patch_size give ${tokens} tokens per clip, above the limit of ${CONFIG_LIMITS.tokens}`,
    );
  return c;
}

/**
 * Validates a parsed `config.json` object: types, defaults and size limits; names the file and the first bad
 * field.
 *
 * @throws VidmaeError `E_CONFIG`
 * @example
 * const config = parseVideoMAEConfig({ model_type: "videomae", hidden_size: 32 }, "config.json");
 * config.num_hidden_layers; // 12 (the VideoMAEConfig default)
 */
export function parseVideoMAEConfig(json: unknown, file: string): VideoMAEConfig {
  return checkConfigLimits(parseConfigFields(json, file), file);
}

/** Largest config.json read; a real one, even with thousands of labels, is a few hundred kilobytes. */
export const MAX_CONFIG_BYTES = 16 << 20;

/** Tokens per clip of `frames` frames: (frames / tubelet) × (image / patch)². */
export function tokenCount(config: VideoMAEConfig, frames: number): number {
  const side = config.image_size / config.patch_size;
  return (frames / config.tubelet_size) * side * side;
}
