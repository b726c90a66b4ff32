/**
 * An independent float64 VideoMAE forward pass in plain loops, written from the published architecture (HF
 * `modeling_videomae.py`): the oracle for configs the fixtures do not cover (other sizes, heads, frames,
 * activations, pooling). Slow on purpose — tests use it only on tiny models.
 */
import type { VideoMAEConfig } from "../../src/model/videomae/config.js";

type W = Map<string, Float32Array>;

export function layerNorm(
  x: Float64Array,
  rows: number,
  d: number,
  g: Float32Array,
  b: Float32Array,
  eps: number,
): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j];
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[r * d + j] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let j = 0; j < d; j++) out[r * d + j] = (x[r * d + j] - mean) * inv * g[j] + b[j];
  }
  return out;
}

/** y = x · Wᵀ + b with W stored [out, in]. */
export function linear(
  x: Float64Array,
  rows: number,
  inD: number,
  w: Float32Array,
  b: Float32Array | undefined,
  outD: number,
): Float64Array {
  const out = new Float64Array(rows * outD);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outD; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inD; i++) s += x[r * inD + i] * w[o * inD + i];
      out[r * outD + o] = s;
    }
  return out;
}

export function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for 1e-5 parity; use a series / continued fraction split.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t;
    let term = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

function act(name: VideoMAEConfig["hidden_act"], x: number): number {
  switch (name) {
    case "gelu":
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case "gelu_new":
    case "gelu_pytorch_tanh":
    case "gelu_fast":
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case "quick_gelu":
      return x / (1 + Math.exp(-1.702 * x));
    case "silu":
    case "swish":
      return x / (1 + Math.exp(-x));
    case "relu":
      return Math.max(0, x);
  }
}

/** Reference outputs for one clip (batch of 1): tokens × hidden, pooled vectors, logits. */
export function referenceForward(
  c: VideoMAEConfig,
  w: W,
  pixels: Float32Array,
  frames: number,
  numLabels: number,
): { lastHidden: Float64Array; meanPooled: Float64Array; pooled?: Float64Array; logits?: Float64Array } {
  const D = c.hidden_size;
  const P = c.patch_size;
  const Tt = c.tubelet_size;
  const S = c.image_size;
  const C = c.num_channels;
  const g = S / P;
  const N = (frames / Tt) * g * g;
  // Patch embedding: each token (t, h, w) is a dot product of the kernel with its tubelet.
  let x = new Float64Array(N * D);
  const kw = w.get("embeddings.patch_embeddings.projection.weight")!;
  const kb = w.get("embeddings.patch_embeddings.projection.bias")!;
  for (let t = 0; t < frames / Tt; t++)
    for (let hy = 0; hy < g; hy++)
      for (let wx = 0; wx < g; wx++) {
        const tok = (t * g + hy) * g + wx;
        for (let o = 0; o < D; o++) {
          let s = kb[o];
          for (let ch = 0; ch < C; ch++)
            for (let dt = 0; dt < Tt; dt++)
              for (let dy = 0; dy < P; dy++)
                for (let dx = 0; dx < P; dx++) {
                  const pix = pixels[(((t * Tt + dt) * C + ch) * S + hy * P + dy) * S + wx * P + dx];
                  s += pix * kw[(((o * C + ch) * Tt + dt) * P + dy) * P + dx];
                }
          x[tok * D + o] = s;
        }
      }
  for (let pos = 0; pos < N; pos++)
    for (let j = 0; j < D; j++) {
      const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / D);
      x[pos * D + j] += Math.fround(j % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  const H = c.num_attention_heads;
  const hd = D / H;
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    const ln1 = layerNorm(
      x,
      N,
      D,
      w.get(`${p}layernorm_before.weight`)!,
      w.get(`${p}layernorm_before.bias`)!,
      c.layer_norm_eps,
    );
    const q = linear(
      ln1,
      N,
      D,
      w.get(`${p}attention.attention.query.weight`)!,
      w.get(`${p}attention.attention.q_bias`),
      D,
    );
    const k = linear(ln1, N, D, w.get(`${p}attention.attention.key.weight`)!, undefined, D);
    const v = linear(
      ln1,
      N,
      D,
      w.get(`${p}attention.attention.value.weight`)!,
      w.get(`${p}attention.attention.v_bias`),
      D,
    );
    const ctx = new Float64Array(N * D);
    const scores = new Float64Array(N);
    for (let h = 0; h < H; h++)
      for (let i = 0; i < N; i++) {
        let max = -Infinity;
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let e = 0; e < hd; e++) s += q[i * D + h * hd + e] * k[j * D + h * hd + e];
          scores[j] = s / Math.sqrt(hd);
          max = Math.max(max, scores[j]);
        }
        let sum = 0;
        for (let j = 0; j < N; j++) sum += scores[j] = Math.exp(scores[j] - max);
        for (let j = 0; j < N; j++)
          for (let e = 0; e < hd; e++) ctx[i * D + h * hd + e] += (scores[j] / sum) * v[j * D + h * hd + e];
      }
    const attnOut = linear(
      ctx,
      N,
      D,
      w.get(`${p}attention.output.dense.weight`)!,
      w.get(`${p}attention.output.dense.bias`),
      D,
    );
    const h1 = x.map((val, i) => val + attnOut[i]);
    const ln2 = layerNorm(
      h1,
      N,
      D,
      w.get(`${p}layernorm_after.weight`)!,
      w.get(`${p}layernorm_after.bias`)!,
      c.layer_norm_eps,
    );
    const inter = linear(
      ln2,
      N,
      D,
      w.get(`${p}intermediate.dense.weight`)!,
      w.get(`${p}intermediate.dense.bias`),
      c.intermediate_size,
    ).map((val) => act(c.hidden_act, val));
    const out = linear(
      inter,
      N,
      c.intermediate_size,
      w.get(`${p}output.dense.weight`)!,
      w.get(`${p}output.dense.bias`),
      D,
    );
    x = h1.map((val, i) => val + out[i]);
  }
  const lastHidden = c.use_mean_pooling
    ? x
    : layerNorm(x, N, D, w.get("layernorm.weight")!, w.get("layernorm.bias")!, c.layer_norm_eps);
  const meanPooled = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) meanPooled[j] += lastHidden[i * D + j] / N;
  if (numLabels === 0) return { lastHidden, meanPooled };
  const pooled = c.use_mean_pooling
    ? layerNorm(meanPooled, 1, D, w.get("fc_norm.weight")!, w.get("fc_norm.bias")!, 1e-5)
    : lastHidden.slice(0, D);
  const logits = linear(pooled, 1, D, w.get("classifier.weight")!, w.get("classifier.bias"), numLabels);
  return { lastHidden, meanPooled, pooled, logits };
}
