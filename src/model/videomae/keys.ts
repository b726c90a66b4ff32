/**
 * The checkpoint keys a VideoMAE config implies, with their shapes — the single place the layout and its
 * quirks are written down. Names are HF `modeling_videomae.py`'s state-dict keys.
 *
 * | quirk                         | what the checkpoint holds                                                    |
 * |-------------------------------|------------------------------------------------------------------------------|
 * | no CLS token                  | tokens are only the (t, h, w) tubelets                                       |
 * | position table                | a fixed sinusoid computed from (tokens, hidden); NOT in the checkpoint       |
 * | attention biases              | `query/key/value` have no `.bias`; `q_bias`/`v_bias` exist iff `qkv_bias`,   |
 * |                               | the key bias is implicitly zero                                              |
 * | `use_mean_pooling: false`     | a final `layernorm` (eps `layer_norm_eps`); the classifier reads token 0     |
 * | `use_mean_pooling: true`      | no final `layernorm`; the classifier has `fc_norm` (torch's default eps 1e-5) |
 * | class wrappers                | VideoMAEModel: no prefix; ForVideoClassification / ForPreTraining: `videomae.` |
 * | pre-training decoder          | `decoder.*`, `encoder_to_decoder.*`, `mask_token`: present, not used          |
 */
import type { VideoMAEConfig } from "./config.js";

/** Which HF class a checkpoint was saved from. */
export type CheckpointKind = "base" | "classification" | "pretraining";

/** Key prefixes that a pre-training checkpoint carries and an encoder ignores. */
export const PRETRAINING_ONLY = ["decoder.", "encoder_to_decoder.", "mask_token"] as const;

/**
 * Expected encoder keys (without the `videomae.` wrapper prefix) and shapes for a config.
 *
 * @example
 * encoderKeys(config).get("encoder.layer.0.intermediate.dense.weight"); // [3072, 768]
 */
export function encoderKeys(c: VideoMAEConfig): Map<string, number[]> {
  const D = c.hidden_size;
  const keys = new Map<string, number[]>([
    [
      "embeddings.patch_embeddings.projection.weight",
      [D, c.num_channels, c.tubelet_size, c.patch_size, c.patch_size],
    ],
    ["embeddings.patch_embeddings.projection.bias", [D]],
  ]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}.`;
    keys.set(`${p}layernorm_before.weight`, [D]).set(`${p}layernorm_before.bias`, [D]);
    for (const proj of ["query", "key", "value"]) keys.set(`${p}attention.attention.${proj}.weight`, [D, D]);
    if (c.qkv_bias)
      keys.set(`${p}attention.attention.q_bias`, [D]).set(`${p}attention.attention.v_bias`, [D]);
    keys.set(`${p}attention.output.dense.weight`, [D, D]).set(`${p}attention.output.dense.bias`, [D]);
    keys.set(`${p}layernorm_after.weight`, [D]).set(`${p}layernorm_after.bias`, [D]);
    keys
      .set(`${p}intermediate.dense.weight`, [c.intermediate_size, D])
      .set(`${p}intermediate.dense.bias`, [c.intermediate_size]);
    keys.set(`${p}output.dense.weight`, [D, c.intermediate_size]).set(`${p}output.dense.bias`, [D]);
  }
  if (!c.use_mean_pooling) keys.set("layernorm.weight", [D]).set("layernorm.bias", [D]);
  return keys;
}

/**
 * Expected classification-head keys (unprefixed, as `VideoMAEForVideoClassification` saves them).
 *
 * @param numLabels - rows of `classifier.weight`
 * @example
 * headKeys(config, 400).get("classifier.weight"); // [400, 768]
 */
export function headKeys(c: VideoMAEConfig, numLabels: number): Map<string, number[]> {
  const D = c.hidden_size;
  const keys = new Map<string, number[]>();
  if (c.use_mean_pooling) keys.set("fc_norm.weight", [D]).set("fc_norm.bias", [D]);
  keys.set("classifier.weight", [numLabels, D]).set("classifier.bias", [numLabels]);
  return keys;
}

/** Config fields the patch embedding's weight [hidden, channels, tubelet, patch, patch] pins down, by axis. */
const PROJECTION_FIELDS = ["hidden_size", "num_channels", "tubelet_size", "patch_size"] as const;
const PROJECTION = "embeddings.patch_embeddings.projection.weight";
const INTERMEDIATE = "encoder.layer.0.intermediate.dense.weight";

/**
 * Compares the config's sizes with what the weights hold, before any key is expanded from the config (a
 * config claiming a million layers must not build a million layers' key list): the layer count (when the
 * config claims more than the weights hold), and the sizes the patch embedding and the first MLP fix.
 * Keys are named without the `prefix` (`videomae.`).
 *
 * @returns the first mismatch as "says <field> <value> but the weights …", or null
 * @example
 * configMismatch({ ...config, num_hidden_layers: 1000000 }, tensors, "");
 * // "says num_hidden_layers 1000000 but the weights hold 2 layers (encoder.layer.0 … encoder.layer.1)"
 */
export function configMismatch(
  c: VideoMAEConfig,
  tensors: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  prefix: string,
): string | null {
  const layers = new Set<number>();
  for (const key of tensors.keys()) {
    const m = key.startsWith(prefix) ? /^encoder\.layer\.(\d+)\./.exec(key.slice(prefix.length)) : null;
    if (m) layers.add(Number(m[1]));
  }
  // Fewer layers in the config than in the weights expands nothing: the key check names each extra tensor.
  if (c.num_hidden_layers > layers.size) {
    const held =
      layers.size === 0
        ? "no encoder.layer.* tensors"
        : `encoder.layer.${[...layers].reduce((a, b) => Math.min(a, b))} … encoder.layer.${[...layers].reduce((a, b) => Math.max(a, b))}`;
    const noun = layers.size === 1 ? "layer" : "layers";
    return `says num_hidden_layers ${c.num_hidden_layers} but the weights hold ${layers.size} ${noun} (${held})`;
  }
  const sizeAt = (key: string, rank: number, field: keyof VideoMAEConfig, axis: number) => {
    const shape = tensors.get(prefix + key)?.shape;
    if (shape?.length !== rank || shape[axis] === c[field]) return null;
    return `says ${field} ${String(c[field])} but the weights have ${shape[axis]} (${key} has shape [${shape.join(", ")}])`;
  };
  for (const [axis, field] of PROJECTION_FIELDS.entries()) {
    const mismatch = sizeAt(PROJECTION, 5, field, axis);
    if (mismatch) return mismatch;
  }
  return sizeAt(INTERMEDIATE, 2, "intermediate_size", 0);
}
