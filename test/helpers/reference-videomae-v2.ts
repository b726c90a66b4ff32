/**
 * An independent float64 forward pass of the original VideoMAE / VideoMAE V2 `VisionTransformer`, written from
 * the maths in test/fixtures/videomae-v2/README.md and reading the ORIGINAL key names (packed `qkv`, `q_bias` /
 * `v_bias`, `gamma_1/2`, `norm` or `fc_norm`, `head`, optional `pos_embed`): the oracle for checkpoints of other
 * sizes than the fixtures. Slow on purpose; tests run it on tiny models only.
 */
import { erf, layerNorm, linear } from "./reference-videomae.js";

/** What the weights do not say: heads; and the clip: frames and side of `pixels` ([T, C, S, S]). */
export interface ReferenceInput {
  heads: number;
  frames: number;
  side: number;
}

/** Reference outputs for one clip: tokens × width after the final norm, pooled (= forward_features), logits. */
export interface ReferenceOutput {
  lastHidden: Float64Array;
  pooled: Float64Array;
  logits?: Float64Array;
}

const EPS = 1e-6;

/**
 * Runs one clip through the original architecture described by `w` (unprefixed original keys).
 *
 * @example
 * const ref = referenceForwardV2(weights, pixels, { heads: 4, frames: 8, side: 32 });
 */
export function referenceForwardV2(
  w: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, number[]>,
  pixels: Float32Array,
  { heads: H, frames, side: S }: ReferenceInput,
): ReferenceOutput {
  const get = (k: string) => {
    const v = w.get(k);
    if (!v) throw new Error(`reference: no ${k}`);
    return v;
  };
  const [D, C, Tt, P] = shapes.get("patch_embed.proj.weight")!;
  const g = S / P;
  const N = (frames / Tt) * g * g;
  // Conv3d with kernel = stride over (C, T, H, W); tokens in (t, h, w) order. pixels are [T, C, S, S].
  let x = new Float64Array(N * D);
  const kw = get("patch_embed.proj.weight");
  const kb = get("patch_embed.proj.bias");
  for (let t = 0; t < frames / Tt; t++)
    for (let hy = 0; hy < g; hy++)
      for (let wx = 0; wx < g; wx++) {
        const tok = (t * g + hy) * g + wx;
        for (let o = 0; o < D; o++) {
          let s = kb[o];
          for (let ch = 0; ch < C; ch++)
            for (let dt = 0; dt < Tt; dt++)
              for (let dy = 0; dy < P; dy++)
                for (let dx = 0; dx < P; dx++)
                  s +=
                    pixels[(((t * Tt + dt) * C + ch) * S + hy * P + dy) * S + wx * P + dx] *
                    kw[(((o * C + ch) * Tt + dt) * P + dy) * P + dx];
          x[tok * D + o] = s;
        }
      }
  const posEmbed = w.get("pos_embed");
  for (let pos = 0; pos < N; pos++)
    for (let j = 0; j < D; j++) {
      const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / D);
      x[pos * D + j] += posEmbed
        ? posEmbed[pos * D + j]
        : Math.fround(j % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  const hd = D / H;
  for (let l = 0; w.has(`blocks.${l}.norm1.weight`); l++) {
    const p = `blocks.${l}.`;
    const gamma = (k: string, y: Float64Array) => {
      const gm = w.get(`${p}${k}`);
      return gm ? y.map((v, i) => v * gm[i % D]) : y;
    };
    const ln1 = layerNorm(x, N, D, get(`${p}norm1.weight`), get(`${p}norm1.bias`), EPS);
    const qb = w.get(`${p}attn.q_bias`);
    const vb = w.get(`${p}attn.v_bias`);
    const qkvBias = qb && vb ? Float32Array.from([...qb, ...new Float32Array(D), ...vb]) : undefined;
    const qkv = linear(ln1, N, D, get(`${p}attn.qkv.weight`), qkvBias, 3 * D);
    const ctx = new Float64Array(N * D);
    const scores = new Float64Array(N);
    const at = (i: number, part: number, h: number, e: number) => qkv[i * 3 * D + part * D + h * hd + e];
    for (let h = 0; h < H; h++)
      for (let i = 0; i < N; i++) {
        let max = -Infinity;
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let e = 0; e < hd; e++) s += at(i, 0, h, e) * hd ** -0.5 * at(j, 1, h, e);
          scores[j] = s;
          max = Math.max(max, s);
        }
        let sum = 0;
        for (let j = 0; j < N; j++) sum += scores[j] = Math.exp(scores[j] - max);
        for (let j = 0; j < N; j++)
          for (let e = 0; e < hd; e++) ctx[i * D + h * hd + e] += (scores[j] / sum) * at(j, 2, h, e);
      }
    const attn = gamma(
      "gamma_1",
      linear(ctx, N, D, get(`${p}attn.proj.weight`), get(`${p}attn.proj.bias`), D),
    );
    const h1 = x.map((v, i) => v + attn[i]);
    const M = shapes.get(`${p}mlp.fc1.weight`)![0];
    const ln2 = layerNorm(h1, N, D, get(`${p}norm2.weight`), get(`${p}norm2.bias`), EPS);
    const hidden = linear(ln2, N, D, get(`${p}mlp.fc1.weight`), get(`${p}mlp.fc1.bias`), M).map(
      (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    );
    const mlp = gamma("gamma_2", linear(hidden, N, M, get(`${p}mlp.fc2.weight`), get(`${p}mlp.fc2.bias`), D));
    x = h1.map((v, i) => v + mlp[i]);
  }
  let lastHidden: Float64Array;
  let pooled: Float64Array;
  if (w.has("fc_norm.weight")) {
    lastHidden = x;
    const mean = new Float64Array(D);
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) mean[j] += x[i * D + j] / N;
    pooled = layerNorm(mean, 1, D, get("fc_norm.weight"), get("fc_norm.bias"), EPS);
  } else {
    lastHidden = layerNorm(x, N, D, get("norm.weight"), get("norm.bias"), EPS);
    pooled = lastHidden.slice(0, D);
  }
  const head = w.get("head.weight");
  const logits = head
    ? linear(pooled, 1, D, head, get("head.bias"), shapes.get("head.weight")![0])
    : undefined;
  return { lastHidden, pooled, logits };
}
