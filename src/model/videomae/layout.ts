/**
 * Which published layout a checkpoint came in, and the architecture details the layouts do not share. The
 * graph builder reads weights under HF `modeling_videomae.py` key names; the other layouts' loaders map their
 * keys onto those names (see `v2/keys.ts`) and describe what HF's VideoMAE lacks here.
 */

/**
 * `hf`: a Hugging Face `transformers` VideoMAE folder; `v2-hub`: an OpenGVLab VideoMAE V2 hub repo (remote-code
 * config, `model.`-prefixed weights); `original-pth`: a `.pth` of the original MCG-NJU/VideoMAE or
 * OpenGVLab/VideoMAEv2 training code.
 */
export type LayoutFamily = "hf" | "v2-hub" | "original-pth";

/**
 * What a graph needs to know beyond `VideoMAEConfig`.
 *
 * @example
 * const layout: Layout = { ...HF_LAYOUT, family: "original-pth", fcNormEps: 1e-6, layerScale: true };
 */
export interface Layout {
  family: LayoutFamily;
  /** eps of `fc_norm`: torch's default 1e-5 in the HF conversions, the model's 1e-6 in the original code. */
  fcNormEps: number;
  /** Blocks scale both residual branches (`encoder.layer.N.layer_scale_1/2` after the key map). */
  layerScale: boolean;
  /** Tokens of a stored, learnable position table (`embeddings.position_embeddings`); null: the sinusoid one. */
  positionTokens: number | null;
  /** `pooled` (fc_norm(mean) or the normed token 0) is an output even without a classifier. */
  exposePooled: boolean;
}

/**
 * The Hugging Face `transformers` layout: no layer scale, computed position table, fc_norm eps 1e-5.
 *
 * @example
 * buildVideoMAEGraph(config, kind, weights, { frames: 16, hiddenStates: false, precision: "fp32", layout: HF_LAYOUT }, {});
 */
export const HF_LAYOUT: Layout = {
  family: "hf",
  fcNormEps: 1e-5,
  layerScale: false,
  positionTokens: null,
  exposePooled: false,
};
