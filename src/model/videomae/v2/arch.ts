/**
 * The network of the original VideoMAE code (MCG-NJU/VideoMAE and OpenGVLab/VideoMAEv2 `VisionTransformer`,
 * also what OpenGVLab's hub repos wrap): its dimensions, its state-dict keys, and the documented map of those
 * keys onto the HF names the graph builder reads.
 *
 * | original key (after `model.` / `module.` / `encoder.` …) | HF name the graph reads                          |
 * |-----------------------------------------------------------|--------------------------------------------------|
 * | `patch_embed.proj.{weight,bias}` [D, C, t, p, p]          | `embeddings.patch_embeddings.projection.*`       |
 * | `pos_embed` [1, N, D] (learnable tables only)             | `embeddings.position_embeddings` [1, N, D]       |
 * | `blocks.N.norm1.*` / `blocks.N.norm2.*`                   | `encoder.layer.N.layernorm_before/after.*`       |
 * | `blocks.N.attn.qkv.weight` [3D, D]                        | rows 0…D, D…2D, 2D…3D → `…attention.attention.{query,key,value}.weight` |
 * | `blocks.N.attn.q_bias` / `v_bias` [D] (`qkv_bias`)        | `…attention.attention.q_bias` / `v_bias` (K bias zero) |
 * | `blocks.N.attn.proj.*`                                    | `encoder.layer.N.attention.output.dense.*`       |
 * | `blocks.N.mlp.fc1.*` / `blocks.N.mlp.fc2.*`               | `encoder.layer.N.intermediate.dense.*` / `output.dense.*` |
 * | `blocks.N.gamma_1` / `gamma_2` [D] (`init_values > 0`)    | `encoder.layer.N.layer_scale_1` / `layer_scale_2` |
 * | `norm.*` (no mean pooling)                                | `layernorm.*`                                    |
 * | `fc_norm.*` (mean pooling)                                | `fc_norm.*`                                      |
 * | `head.{weight,bias}` (classes)                            | `classifier.*`                                   |
 *
 * Keys are checked under their original names (what the user's file holds); only verified tensors are mapped.
 */
import { VidmaeError } from "../../../errors.js";
import { type RawTensor, toFloat32 } from "../../weights/tensor.js";
import { verifyTensors } from "../verify.js";
import { type VideoMAEConfig, checkConfigLimits } from "../config.js";
import type { CheckpointKind } from "../keys.js";
import type { Layout, LayoutFamily } from "../layout.js";

/** The dimensions of an original-code `VisionTransformer`. */
export interface OriginalArch {
  embedDim: number;
  depth: number;
  numHeads: number;
  /** fc1 width: `int(embed_dim * mlp_ratio)`. */
  mlpHidden: number;
  inChans: number;
  tubeletSize: number;
  patchSize: number;
  /** `q_bias`/`v_bias` present. */
  qkvBias: boolean;
  /** `gamma_1`/`gamma_2` present (`init_values > 0`). */
  layerScale: boolean;
  /** `fc_norm(mean)` (true) or final `norm` with pooled = token 0 (false). */
  meanPooling: boolean;
  /** Rows of `head` (0: no head). */
  numClasses: number;
  /** Tokens of a stored `pos_embed`; null: the sinusoid table. */
  posEmbedTokens: number | null;
  /** The input the checkpoint is meant for (preprocessing and the default graph). */
  imageSize: number;
  numFrames: number;
  /** Every LayerNorm's eps (1e-6 in the original code). */
  layerNormEps: number;
}

/**
 * The state-dict keys (original names, no prefix) and shapes of an architecture.
 *
 * @example
 * originalKeys(arch).get("blocks.0.attn.qkv.weight"); // [2304, 768] for ViT-B
 */
export function originalKeys(a: OriginalArch): Map<string, number[]> {
  const D = a.embedDim;
  const keys = new Map<string, number[]>([
    ["patch_embed.proj.weight", [D, a.inChans, a.tubeletSize, a.patchSize, a.patchSize]],
    ["patch_embed.proj.bias", [D]],
  ]);
  if (a.posEmbedTokens !== null) keys.set("pos_embed", [1, a.posEmbedTokens, D]);
  for (let i = 0; i < a.depth; i++) {
    const p = `blocks.${i}.`;
    keys.set(`${p}norm1.weight`, [D]).set(`${p}norm1.bias`, [D]);
    keys.set(`${p}attn.qkv.weight`, [3 * D, D]);
    if (a.qkvBias) keys.set(`${p}attn.q_bias`, [D]).set(`${p}attn.v_bias`, [D]);
    keys.set(`${p}attn.proj.weight`, [D, D]).set(`${p}attn.proj.bias`, [D]);
    keys.set(`${p}norm2.weight`, [D]).set(`${p}norm2.bias`, [D]);
    keys.set(`${p}mlp.fc1.weight`, [a.mlpHidden, D]).set(`${p}mlp.fc1.bias`, [a.mlpHidden]);
    keys.set(`${p}mlp.fc2.weight`, [D, a.mlpHidden]).set(`${p}mlp.fc2.bias`, [D]);
    if (a.layerScale) keys.set(`${p}gamma_1`, [D]).set(`${p}gamma_2`, [D]);
  }
  const norm = a.meanPooling ? "fc_norm" : "norm";
  keys.set(`${norm}.weight`, [D]).set(`${norm}.bias`, [D]);
  if (a.numClasses > 0) keys.set("head.weight", [a.numClasses, D]).set("head.bias", [a.numClasses]);
  return keys;
}

/** Renames of the map above that keep the tensor as it is (the packed qkv weight is split separately). */
const RENAMES: [RegExp, string][] = [
  [/^patch_embed\.proj\./, "embeddings.patch_embeddings.projection."],
  [/^pos_embed$/, "embeddings.position_embeddings"],
  [/^blocks\.(\d+)\.norm1\./, "encoder.layer.$1.layernorm_before."],
  [/^blocks\.(\d+)\.norm2\./, "encoder.layer.$1.layernorm_after."],
  [/^blocks\.(\d+)\.attn\.(q_bias|v_bias)$/, "encoder.layer.$1.attention.attention.$2"],
  [/^blocks\.(\d+)\.attn\.proj\./, "encoder.layer.$1.attention.output.dense."],
  [/^blocks\.(\d+)\.mlp\.fc1\./, "encoder.layer.$1.intermediate.dense."],
  [/^blocks\.(\d+)\.mlp\.fc2\./, "encoder.layer.$1.output.dense."],
  [/^blocks\.(\d+)\.gamma_(1|2)$/, "encoder.layer.$1.layer_scale_$2"],
  [/^norm\./, "layernorm."],
  [/^fc_norm\./, "fc_norm."],
  [/^head\./, "classifier."],
];

/**
 * The HF `VideoMAEConfig` the graph builder runs for an architecture (exact erf GELU, eps everywhere from the
 * architecture), checked against {@link CONFIG_LIMITS}. With `inputSized` (a `.pth`, whose inputs decide frames
 * and image size) only what the weights fix is checked: the token count is checked per input.
 *
 * @throws VidmaeError `E_CONFIG` naming `file` for sizes out of bounds or heads not dividing the width
 * @example
 * toVideoMAEConfig(arch, "checkpoint.pth", true).intermediate_size; // 3072 for ViT-B
 */
export function toVideoMAEConfig(a: OriginalArch, file: string, inputSized = false): VideoMAEConfig {
  const config: VideoMAEConfig = {
    model_type: "videomae",
    image_size: a.imageSize,
    patch_size: a.patchSize,
    num_channels: a.inChans,
    num_frames: a.numFrames,
    tubelet_size: a.tubeletSize,
    hidden_size: a.embedDim,
    num_hidden_layers: a.depth,
    num_attention_heads: a.numHeads,
    intermediate_size: a.mlpHidden,
    hidden_act: "gelu",
    layer_norm_eps: a.layerNormEps,
    qkv_bias: a.qkvBias,
    use_mean_pooling: a.meanPooling,
  };
  if (!inputSized) return checkConfigLimits(config, file);
  checkConfigLimits({ ...config, image_size: a.patchSize, num_frames: a.tubeletSize }, file);
  return config;
}

/**
 * The layout description of an architecture: layer scale, stored position table, fc_norm eps, and `pooled`
 * exposed also without a head (it is `forward_features`, what the feature extractors are used for).
 *
 * @example
 * layoutOf(arch, "v2-hub").fcNormEps; // 1e-6
 */
export function layoutOf(a: OriginalArch, family: LayoutFamily): Layout {
  return {
    family,
    fcNormEps: a.layerNormEps,
    layerScale: a.layerScale,
    positionTokens: a.posEmbedTokens,
    exposePooled: true,
  };
}

/**
 * `classification` with a head, else `base` (an encoder, pre-training decoders dropped).
 *
 * @example
 * kindOf({ ...arch, numClasses: 400 }); // "classification"
 */
export function kindOf(a: OriginalArch): CheckpointKind {
  return a.numClasses > 0 ? "classification" : "base";
}

/**
 * Verifies `tensors` (original names, prefixes already stripped) against the architecture's keys and maps them
 * onto the graph builder's names as float32 (see the table above).
 *
 * @param ignored - keys that may be present and are not used (a pre-training decoder)
 * @throws VidmaeError `E_CHECKPOINT` naming every missing, misshapen or unexpected tensor with its shapes;
 *   `E_UNSUPPORTED_DTYPE` for a non-float tensor
 * @example
 * const weights = mapOriginalWeights(tensors, arch, "checkpoint.pth", "the weights");
 * weights.get("encoder.layer.0.attention.attention.key.weight"); // rows D…2D of blocks.0.attn.qkv.weight
 */
export function mapOriginalWeights(
  tensors: ReadonlyMap<string, RawTensor>,
  a: OriginalArch,
  file: string,
  source: string,
  ignored?: (key: string) => boolean,
): Map<string, Float32Array> {
  const expected = originalKeys(a);
  verifyTensors(expected, tensors, file, { source, ignored });
  const D = a.embedDim;
  const out = new Map<string, Float32Array>();
  for (const key of expected.keys()) {
    const values = toFloat32(tensors.get(key)!, key, file);
    const qkv = /^blocks\.(\d+)\.attn\.qkv\.weight$/.exec(key);
    if (qkv) {
      ["query", "key", "value"].forEach((proj, j) =>
        out.set(
          `encoder.layer.${qkv[1]}.attention.attention.${proj}.weight`,
          values.slice(j * D * D, (j + 1) * D * D),
        ),
      );
      continue;
    }
    const rename = RENAMES.find(([from]) => from.test(key));
    if (!rename) throw new VidmaeError("E_CHECKPOINT", `${file}: no mapping for tensor ${key}`);
    out.set(key.replace(rename[0], rename[1]), values);
  }
  return out;
}
