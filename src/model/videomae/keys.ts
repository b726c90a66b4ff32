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
