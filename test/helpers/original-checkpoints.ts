/**
 * Random-weight checkpoints in the original VideoMAE / VideoMAE V2 layouts, of any size: an OpenGVLab hub folder
 * (`config.json` with `model_config`, `model.`-prefixed `model.safetensors`) or a training `.pth` (see
 * torch-pth.ts). Weights are drawn the way the public fixtures were (test/fixtures/videomae-v2/README.md).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RandomState } from "../../src/numeric/random-state.js";
import { type OriginalArch, originalKeys } from "../../src/model/videomae/v2/arch.js";
import { parseV2HubConfig } from "../../src/model/videomae/v2/hub-config.js";
import { writeSafetensors } from "../../src/model/weights/safetensors.js";
import { fromFloat32 } from "../../src/model/weights/tensor.js";
import { type PthOptions, writePth } from "./torch-pth.js";

/** A tensor as the writers take it. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

function normals(rng: RandomState, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
    out[i] = mean + std * r;
  }
  return out;
}

/**
 * Seeded random weights for every key of `arch` (original names): LayerNorm ≈ 1, gamma ≈ 0.5, small biases,
 * kernels scaled by fan-in.
 *
 * @example
 * const weights = randomOriginalWeights(arch, 3);
 */
export function randomOriginalWeights(arch: OriginalArch, seed: number): Map<string, Tensor> {
  const rng = new RandomState(seed);
  const out = new Map<string, Tensor>();
  for (const [key, shape] of originalKeys(arch)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (/norm[^.]*\.weight$/.test(key)) data = normals(rng, n, 0.1, 1);
    else if (/gamma_\d$/.test(key)) data = normals(rng, n, 0.2, 0.5);
    else if (key === "pos_embed") data = normals(rng, n, 0.5);
    else if (shape.length === 1) data = normals(rng, n, key.endsWith("_bias") ? 0.1 : 0.05);
    else data = normals(rng, n, Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(n / shape[0]))));
    out.set(key, { shape, data });
  }
  return out;
}

/**
 * Writes an OpenGVLab hub folder for a `model_config` (the rest defaulted as upstream), with random weights.
 *
 * @returns the architecture and the weights (original names, unprefixed)
 * @example
 * const { weights } = await writeV2HubFolder(dir, { embed_dim: 32, depth: 2, num_heads: 4 }, 1);
 */
export async function writeV2HubFolder(
  dir: string,
  modelConfig: Record<string, unknown>,
  seed: number,
): Promise<{ arch: OriginalArch; weights: Map<string, Tensor> }> {
  const config = {
    model_type: "VideoMAEv2_Base",
    architectures: ["VideoMAEv2_Base"],
    auto_map: {
      AutoModel: "modeling_videomaev2.VideoMAEv2",
      AutoConfig: "modeling_config.VideoMAEv2Config",
    },
    model_config: modelConfig,
  };
  const arch = parseV2HubConfig(config, "config.json");
  const weights = randomOriginalWeights(arch, seed);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(config, null, 2));
  const side = arch.imageSize;
  await writeFile(
    join(dir, "preprocessor_config.json"),
    JSON.stringify({
      image_processor_type: "VideoMAEImageProcessor",
      size: { shortest_edge: side },
      crop_size: { height: side, width: side },
      image_mean: [0.485, 0.456, 0.406],
      image_std: [0.229, 0.224, 0.225],
    }),
  );
  await writeSafetensors(
    join(dir, "model.safetensors"),
    Object.fromEntries([...weights].map(([k, t]) => [`model.${k}`, fromFloat32(t.data, t.shape)])),
    { format: "pt" },
  );
  return { arch, weights };
}

/**
 * Writes a `.pth` of `weights` (see {@link writePth} for the wrapping).
 *
 * @example
 * await writeOriginalPth(join(tmp, "m.pth"), weights, { wrap: "module" });
 */
export async function writeOriginalPth(
  path: string,
  weights: ReadonlyMap<string, Tensor>,
  options: PthOptions,
): Promise<string> {
  await writeFile(path, writePth(weights, options));
  return path;
}
