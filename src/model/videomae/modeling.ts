/**
 * The VideoMAE encoder as an ONNX graph: one builder per HF module, each taking its checkpoint key prefix, so
 * every weight is looked up by its exact key (see `keys.ts` for the layout and its quirks).
 *
 * Attention is emitted as the fused `com.microsoft` `Attention` op (packed QKV MatMul + softmax in one kernel):
 * onnxruntime's optimiser does not fuse plain-op attention for us, and the fused kernel is several times faster.
 * LayerNorm + residual and bias + GELU are left as plain ops that the optimiser fuses itself.
 *
 * With `precision: "int8"` every linear layer (the packed QKV projection included) becomes a
 * `DynamicQuantizeMatMul` over per-column symmetric int8 weights; attention itself (`MultiHeadAttention`),
 * LayerNorm and the patch embedding stay float32.
 */
import { VidmaeError } from "../../errors.js";
import { type Attr, ELEM, GraphBuilder, float, int, ints, str } from "../onnx/graph.js";
import { quantizeColumns } from "../onnx/quantize.js";
import { type VideoMAEConfig, tokenCount } from "./config.js";
import type { CheckpointKind } from "./keys.js";
import { HF_LAYOUT, type Layout } from "./layout.js";
import { sinusoidTable } from "./position.js";

/** What a graph is built for: the clip length and which outputs it exposes. */
export interface GraphOptions {
  /** Frames per clip (a multiple of `tubelet_size`); the position table is computed for this length. */
  frames: number;
  /** Expose `hidden_states.0 … hidden_states.L` as outputs. */
  hiddenStates: boolean;
  /** Weights of the linear layers: float32, or int8 with dynamically quantized activations. */
  precision: Precision;
  /** What the checkpoint's layout adds to HF's VideoMAE (layer scale, stored position table, …). @defaultValue HF_LAYOUT */
  layout?: Layout;
}

/** Numeric precision of the linear layers. */
export type Precision = "fp32" | "int8";

/** Names of the outputs a built graph has. */
export interface GraphOutputs {
  names: string[];
  tokens: number;
}

/** Weight lookup by exact (unprefixed) checkpoint key; the loader has already verified keys and shapes. */
class Weights {
  constructor(private readonly map: Map<string, Float32Array>) {}

  get(key: string): Float32Array {
    const w = this.map.get(key);
    if (!w) throw new VidmaeError("E_CHECKPOINT", `missing tensor ${key}`);
    return w;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }
}

/** Row-major [rows, cols] → [cols, rows]: torch Linear stores [out, in], MatMul wants [in, out]. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

interface Ctx {
  g: GraphBuilder;
  w: Weights;
  c: VideoMAEConfig;
  precision: Precision;
  layout: Layout;
}

/**
 * x · B (+ bias) for a [in, out] weight already in MatMul layout: a float MatMul, or a `DynamicQuantizeMatMul`
 * (bias fused) in int8 mode.
 */
function matmul(
  ctx: Ctx,
  name: string,
  x: string,
  b: Float32Array,
  inDim: number,
  outDim: number,
  bias?: Float32Array,
): string {
  const { g } = ctx;
  if (ctx.precision === "int8") {
    const { q, scales } = quantizeColumns(b, inDim, outDim);
    const inputs = [
      x,
      g.initializer(`${name}weight_int8`, [inDim, outDim], q),
      g.initializer(`${name}weight_scale`, [outDim], scales),
      "",
    ];
    if (bias) inputs.push(g.initializer(`${name}bias`, [outDim], bias));
    return g.node("DynamicQuantizeMatMul", inputs, `${name}qmatmul`, {}, "com.microsoft");
  }
  const y = g.node("MatMul", [x, g.initializer(`${name}weight`, [inDim, outDim], b)], `${name}matmul`);
  return bias ? g.node("Add", [y, g.initializer(`${name}bias`, [outDim], bias)], `${name}add`) : y;
}

/** `nn.Linear`: x · Wᵀ + b, weight `${prefix}weight` [out, in], bias `${prefix}bias` when present. */
function linear(ctx: Ctx, prefix: string, x: string, inDim: number, outDim: number): string {
  const { w } = ctx;
  const weight = transpose(w.get(`${prefix}weight`), outDim, inDim);
  return matmul(
    ctx,
    prefix,
    x,
    weight,
    inDim,
    outDim,
    w.has(`${prefix}bias`) ? w.get(`${prefix}bias`) : undefined,
  );
}

/** `nn.LayerNorm` over the last axis. */
function layerNorm({ g, w, c }: Ctx, prefix: string, x: string, eps: number): string {
  const D = c.hidden_size;
  const scale = g.initializer(`${prefix}weight`, [D], w.get(`${prefix}weight`));
  const bias = g.initializer(`${prefix}bias`, [D], w.get(`${prefix}bias`));
  return g.node("LayerNormalization", [x, scale, bias], `${prefix}out`, {
    axis: int(-1),
    epsilon: float(eps),
  });
}

/**
 * `VideoMAEPatchEmbeddings`: HF's Conv3d with kernel = stride = (tubelet, patch, patch), computed as what it is — a
 * MatMul over non-overlapping tubelets. Cutting [B, T, C, H, W] into tubelets is a reshape and one transpose to
 * [B, (t, h, w), (C, dt, dy, dx)], the conv weight's own flattening order; tokens come out in HF's (t, h, w)
 * order. onnxruntime's 3-D Conv is several times slower than this MatMul. Stays float32 in int8 mode.
 */
function patchEmbeddings(ctx: Ctx, prefix: string, pixelValues: string, frames: number): string {
  const { g, w, c } = ctx;
  const D = c.hidden_size;
  const [t, p, C] = [c.tubelet_size, c.patch_size, c.num_channels];
  const [nt, ns] = [frames / t, c.image_size / p];
  const cut = g.node(
    "Reshape",
    [pixelValues, g.int64s(`${prefix}tubelet_shape`, [-1, nt, t, C, ns, p, ns, p])],
    `${prefix}tubelets`,
  );
  const ordered = g.node("Transpose", [cut], `${prefix}tubelet_order`, {
    perm: ints([0, 1, 4, 6, 3, 2, 5, 7]),
  });
  const K = C * t * p * p;
  const rows = g.node(
    "Reshape",
    [ordered, g.int64s(`${prefix}token_shape`, [-1, nt * ns * ns, K])],
    `${prefix}token_rows`,
  );
  const weight = transpose(w.get(`${prefix}projection.weight`), D, K); // [D, C, t, p, p] → [K, D]
  return matmul(
    { ...ctx, precision: "fp32" },
    `${prefix}projection.`,
    rows,
    weight,
    K,
    D,
    w.get(`${prefix}projection.bias`),
  );
}

/**
 * `VideoMAEEmbeddings`: patch embeddings plus the fixed sinusoid table (not a checkpoint weight), or the stored
 * learnable table of a layout that has one (`use_learnable_pos_emb` in the original code).
 */
function embeddings(ctx: Ctx, prefix: string, pixelValues: string, frames: number): string {
  const tokens = tokenCount(ctx.c, frames);
  const patches = patchEmbeddings(ctx, `${prefix}patch_embeddings.`, pixelValues, frames);
  const stored = ctx.layout.positionTokens !== null;
  if (stored && ctx.layout.positionTokens !== tokens)
    throw new VidmaeError(
      "E_SHAPE",
      `the checkpoint's learnable position table covers ${ctx.layout.positionTokens} tokens, not ${tokens}`,
    );
  const table = ctx.g.initializer(
    `${prefix}position_embeddings`,
    [1, tokens, ctx.c.hidden_size],
    stored ? ctx.w.get(`${prefix}position_embeddings`) : sinusoidTable(tokens, ctx.c.hidden_size),
  );
  return ctx.g.node("Add", [patches, table], `${prefix}out`);
}

/**
 * `VideoMAESelfAttention` as one fused `Attention` node: packed [D, 3D] QKV weight, bias (q_bias, 0, v_bias).
 * The key projection has no bias in HF, so its third of the packed bias is zero.
 */
function selfAttention(ctx: Ctx, prefix: string, x: string): string {
  const { g, w, c } = ctx;
  const D = c.hidden_size;
  const packed = new Float32Array(D * 3 * D);
  ["query", "key", "value"].forEach((proj, j) => {
    const wt = w.get(`${prefix}${proj}.weight`); // [out, in]
    for (let o = 0; o < D; o++) for (let i = 0; i < D; i++) packed[i * 3 * D + j * D + o] = wt[o * D + i];
  });
  const bias = new Float32Array(3 * D);
  if (c.qkv_bias) {
    bias.set(w.get(`${prefix}q_bias`), 0);
    bias.set(w.get(`${prefix}v_bias`), 2 * D);
  }
  const heads = { num_heads: int(c.num_attention_heads) };
  if (ctx.precision === "int8") {
    // The quantized projection cannot live inside `Attention`: project, split, then attend in float32.
    const qkv = matmul(ctx, `${prefix}qkv.`, x, packed, D, 3 * D, bias);
    const [q, k, v] = g.nodeOutputs("Split", [qkv], [`${prefix}q`, `${prefix}k`, `${prefix}v`], {
      axis: int(-1),
      num_outputs: int(3),
    });
    return g.node("MultiHeadAttention", [q, k, v], `${prefix}context`, heads, "com.microsoft");
  }
  const weight = g.initializer(`${prefix}qkv.weight`, [D, 3 * D], packed);
  const b = g.initializer(`${prefix}qkv.bias`, [3 * D], bias);
  return g.node("Attention", [x, weight, b], `${prefix}context`, heads, "com.microsoft");
}

/** `VideoMAEAttention`: self-attention then the output projection (`attention.output.dense`). */
function attention(ctx: Ctx, prefix: string, x: string): string {
  const D = ctx.c.hidden_size;
  return linear(ctx, `${prefix}output.dense.`, selfAttention(ctx, `${prefix}attention.`, x), D, D);
}

/** The `hidden_act` of the config, built from ops (exact erf GELU for `gelu`, as HF's `ACT2FN`). */
function activation({ g, c }: Ctx, prefix: string, x: string): string {
  const scaledSigmoid = (k: number) => {
    const kx =
      k === 1
        ? x
        : g.node("Mul", [x, g.initializer(`${prefix}act_k`, [], new Float32Array([k]))], `${prefix}act_kx`);
    return g.node("Mul", [x, g.node("Sigmoid", [kx], `${prefix}act_sigmoid`)], `${prefix}act`);
  };
  const gelu = (approximate: string): string =>
    g.node("Gelu", [x], `${prefix}act`, { approximate: str(approximate) } as Record<string, Attr>);
  switch (c.hidden_act) {
    case "gelu":
      return gelu("none");
    case "gelu_new":
    case "gelu_pytorch_tanh":
    case "gelu_fast":
      return gelu("tanh");
    case "quick_gelu":
      return scaledSigmoid(1.702);
    case "silu":
    case "swish":
      return scaledSigmoid(1);
    case "relu":
      return g.node("Relu", [x], `${prefix}act`);
  }
}

/** `VideoMAEIntermediate`: dense to `intermediate_size`, then the activation. */
function intermediate(ctx: Ctx, prefix: string, x: string): string {
  return activation(
    ctx,
    prefix,
    linear(ctx, `${prefix}dense.`, x, ctx.c.hidden_size, ctx.c.intermediate_size),
  );
}

/**
 * A residual branch's output times its layer scale (`gamma_1`/`gamma_2` of the original code, stored here as
 * `layer_scale_1/2`) when the layout has layer scale; the branch itself otherwise.
 */
function layerScale(ctx: Ctx, key: string, y: string): string {
  if (!ctx.layout.layerScale) return y;
  const gamma = ctx.g.initializer(key, [ctx.c.hidden_size], ctx.w.get(key));
  return ctx.g.node("Mul", [y, gamma], `${key}_out`);
}

/** `VideoMAEOutput`: dense back to `hidden_size` (layer-scaled), plus the residual. */
function output(ctx: Ctx, prefix: string, x: string, residual: string, scale: string): string {
  const y = linear(ctx, `${prefix}dense.`, x, ctx.c.intermediate_size, ctx.c.hidden_size);
  return ctx.g.node("Add", [layerScale(ctx, scale, y), residual], `${prefix}residual`);
}

/** `VideoMAELayer` (pre-norm): h = x + γ₁·attn(LN(x)); y = h + γ₂·mlp(LN(h)) (γ = 1 without layer scale). */
function layer(ctx: Ctx, prefix: string, x: string): string {
  const eps = ctx.c.layer_norm_eps;
  const attn = attention(ctx, `${prefix}attention.`, layerNorm(ctx, `${prefix}layernorm_before.`, x, eps));
  const h = ctx.g.node(
    "Add",
    [layerScale(ctx, `${prefix}layer_scale_1`, attn), x],
    `${prefix}attention_residual`,
  );
  const mlp = intermediate(
    ctx,
    `${prefix}intermediate.`,
    layerNorm(ctx, `${prefix}layernorm_after.`, h, eps),
  );
  return output(ctx, `${prefix}output.`, mlp, h, `${prefix}layer_scale_2`);
}

/** `VideoMAEEncoder`: the layers in order; returns every hidden state (index 0 = the input). */
function encoder(ctx: Ctx, prefix: string, x: string): string[] {
  const states = [x];
  for (let i = 0; i < ctx.c.num_hidden_layers; i++)
    states.push(layer(ctx, `${prefix}layer.${i}.`, states[i]));
  return states;
}

/**
 * What the classifier reads: `fc_norm(mean over tokens)` with mean pooling (eps `layout.fcNormEps`: 1e-5,
 * torch's default, in the HF conversions; 1e-6 in the original code), else token 0 of the normed tokens (there
 * is no CLS token: it is the first patch).
 */
function pooledState(ctx: Ctx, lastHidden: string, meanPooled: string): string {
  const { g, c } = ctx;
  return c.use_mean_pooling
    ? layerNorm(ctx, "fc_norm.", meanPooled, ctx.layout.fcNormEps)
    : g.node("Gather", [lastHidden, g.int64s("first_token", [0], [])], "first_token_state", { axis: int(1) });
}

/**
 * Builds the ONNX model for a verified checkpoint.
 *
 * @returns ModelProto bytes and the output names in order
 * @example
 * const { bytes } = buildVideoMAEGraph(ckpt.config, ckpt.kind, ckpt.weights, { frames: 16, hiddenStates: false }, {});
 */
export function buildVideoMAEGraph(
  config: VideoMAEConfig,
  kind: CheckpointKind,
  weights: Map<string, Float32Array>,
  options: GraphOptions,
  metadata: Record<string, string>,
): { bytes: Uint8Array } & GraphOutputs {
  const g = new GraphBuilder();
  const layout = options.layout ?? HF_LAYOUT;
  const ctx: Ctx = { g, w: new Weights(weights), c: config, precision: options.precision, layout };
  const { frames } = options;
  const side = config.image_size;
  const tokens = tokenCount(config, frames);
  const D = config.hidden_size;
  const pixelValues = g.input("pixel_values", ELEM.float, ["batch", frames, config.num_channels, side, side]);

  const states = encoder(ctx, "encoder.", embeddings(ctx, "embeddings.", pixelValues, frames));
  const last = states[states.length - 1];
  const lastHidden = config.use_mean_pooling
    ? last
    : layerNorm(ctx, "layernorm.", last, config.layer_norm_eps);
  const names: string[] = [];
  const expose = (value: string, name: string, dims: (number | string)[]) => {
    g.output(g.node("Identity", [value], name), ELEM.float, dims);
    names.push(name);
  };
  expose(lastHidden, "last_hidden_state", ["batch", tokens, D]);
  const meanPooled = g.node("ReduceMean", [lastHidden, g.int64s("token_axis", [1])], "token_mean", {
    keepdims: int(0),
  });
  expose(meanPooled, "mean_pooled", ["batch", D]);
  if (kind === "classification" || layout.exposePooled) {
    const pooled = pooledState(ctx, lastHidden, meanPooled);
    expose(pooled, "pooled", ["batch", D]);
    if (kind === "classification") {
      const numLabels = weights.get("classifier.bias")!.length;
      expose(linear(ctx, "classifier.", pooled, D, numLabels), "logits", ["batch", numLabels]);
    }
  }
  if (options.hiddenStates) states.forEach((s, i) => expose(s, `hidden_states.${i}`, ["batch", tokens, D]));
  return { bytes: g.toModel({ producer: "vidmae", metadata }), names, tokens };
}
