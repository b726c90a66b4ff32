/**
 * `config.json` of an OpenGVLab VideoMAE V2 hub repo (OpenGVLab/VideoMAEv2-Base, -Large, -Huge, -giant and the
 * fine-tuned ones): `model_type` `VideoMAEv2_*`, an `auto_map` to the repo's own Python (never needed, never
 * run), every dimension in a nested `model_config` whose defaults are those of the original
 * `VisionTransformer`.
 */
import { z } from "zod";
import { VidmaeError } from "../../../errors.js";
import type { RawTensor } from "../../weights/tensor.js";
import { type OriginalArch, mapOriginalWeights } from "./arch.js";

const positiveInt = z.number().int().positive();

/** `model_config`: the keyword arguments of the original `VisionTransformer`, with its defaults. */
export const v2ModelConfigSchema = z.object({
  img_size: positiveInt.default(224),
  patch_size: positiveInt.default(16),
  in_chans: positiveInt.default(3),
  num_classes: z.number().int().min(0).default(1000),
  embed_dim: positiveInt.default(768),
  depth: positiveInt.default(12),
  num_heads: positiveInt.default(12),
  mlp_ratio: z.number().positive().default(4),
  qkv_bias: z.boolean().default(false),
  // A custom scale changes the attention; no release sets one, so only the default (head_dim^-0.5) is built.
  qk_scale: z.null({ error: "only null (head_dim^-0.5) is supported" }).default(null),
  norm_layer: z
    .literal("nn.LayerNorm", { error: 'only "nn.LayerNorm" is supported' })
    .default("nn.LayerNorm"),
  layer_norm_eps: z.number().positive().default(1e-6),
  init_values: z.number().min(0).default(0),
  use_learnable_pos_emb: z.boolean().default(false),
  tubelet_size: positiveInt.default(2),
  use_mean_pooling: z.boolean().default(true),
  num_frames: positiveInt.default(16),
  // Cosine attention (a learnable per-head scale) is in the code but enabled by no release.
  cos_attn: z.literal(false, { error: "cosine attention (true) is not supported" }).default(false),
});

/** Schema of a V2 hub `config.json`; unknown fields (`auto_map`, `architectures`, …) are ignored. */
export const v2HubConfigSchema = z.object({
  model_type: z.string().regex(/^VideoMAEv2/, { error: 'expected "VideoMAEv2_*"' }),
  model_config: v2ModelConfigSchema.default(v2ModelConfigSchema.parse({})),
});

/** A parsed, defaulted V2 hub config. */
export type V2HubConfig = z.infer<typeof v2HubConfigSchema>;

/**
 * True when a parsed `config.json` is a V2 hub config (its `model_type` starts with `VideoMAEv2`).
 *
 * @example
 * isV2HubConfig({ model_type: "VideoMAEv2_Base" }); // true
 */
export function isV2HubConfig(json: unknown): boolean {
  const type = (json as { model_type?: unknown } | null)?.model_type;
  return typeof type === "string" && type.startsWith("VideoMAEv2");
}

/**
 * Validates a V2 hub config and returns the architecture it describes (MLP width `int(embed_dim * mlp_ratio)`,
 * as the original code computes it: 6144 for the giant's 1408 × 48/11).
 *
 * @throws VidmaeError `E_CONFIG` naming the file and the first bad field (e.g. `model_config.mlp_ratio`)
 * @example
 * parseV2HubConfig({ model_type: "VideoMAEv2_Base", model_config: { embed_dim: 32, depth: 2, num_heads: 4 } }, "config.json").mlpHidden; // 128
 */
export function parseV2HubConfig(json: unknown, file: string): OriginalArch {
  const parsed = v2HubConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "(root)";
    throw new VidmaeError("E_CONFIG", `${file}: field ${field}: ${issue.message}`);
  }
  const m = parsed.data.model_config;
  const side = m.img_size / m.patch_size;
  return {
    embedDim: m.embed_dim,
    depth: m.depth,
    numHeads: m.num_heads,
    mlpHidden: Math.floor(m.embed_dim * m.mlp_ratio),
    inChans: m.in_chans,
    tubeletSize: m.tubelet_size,
    patchSize: m.patch_size,
    qkvBias: m.qkv_bias,
    layerScale: m.init_values > 0,
    meanPooling: m.use_mean_pooling,
    numClasses: m.num_classes,
    posEmbedTokens: m.use_learnable_pos_emb ? (m.num_frames / m.tubelet_size) * side * side : null,
    imageSize: m.img_size,
    numFrames: m.num_frames,
    layerNormEps: m.layer_norm_eps,
  };
}

/** Prefix of every key in a V2 hub `model.safetensors`: the hub wrapper keeps the network as `.model`. */
const HUB_PREFIX = "model.";

/**
 * The graph builder's weights from a V2 hub `model.safetensors`: the wrapper's `model.` prefix stripped, then
 * verified and mapped as for a `.pth` (see `mapOriginalWeights`).
 *
 * @example
 * const weights = v2HubWeights(readSafetensors("model.safetensors").tensors, arch, "model.safetensors", "config.json");
 */
export function v2HubWeights(
  tensors: ReadonlyMap<string, RawTensor>,
  arch: OriginalArch,
  file: string,
  configFile: string,
): Map<string, Float32Array> {
  const unprefixed = new Map(
    [...tensors].map(([k, t]) => [k.startsWith(HUB_PREFIX) ? k.slice(HUB_PREFIX.length) : k, t]),
  );
  return mapOriginalWeights(unprefixed, arch, file, configFile);
}
