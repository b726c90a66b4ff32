/**
 * Release `.pth` checkpoints of the original code (OpenGVLab/VideoMAEv2, MCG-NJU/VideoMAE): a `torch.save` zip
 * whose state dict sits under `model`, then `module`, else at the top, with `backbone.`, `encoder.` and
 * `_orig_mod.` prefixes that the upstream loaders strip. Every dimension but the number of attention heads is read
 * off the weights; the heads come from the caller (`--num-heads`, or an `--arch` name).
 */
import { VidmaeError, invalidParameterError } from "../../../errors.js";
import { PickleCallable } from "../../weights/pickle.js";
import type { RawTensor } from "../../weights/tensor.js";
import { type StateDictSelector, readTorchBin } from "../../weights/torch-bin.js";
import type { OriginalArch } from "./arch.js";

/** Where upstream loaders look for the state dict, in order (`model` for plain, `module` for DeepSpeed saves). */
const STATE_DICT_KEYS = ["model", "module"] as const;
/** Prefixes upstream loaders strip (pre-training encoders, wrapped backbones, `torch.compile`). */
const STRIPPED_PREFIXES = ["backbone.", "encoder.", "_orig_mod."] as const;
/** Pre-training parts an encoder does not use. */
const PRETRAINING_ONLY = /^(decoder\.|encoder_to_decoder\.|mask_token$)/;

/**
 * Picks the state dict out of a training checkpoint's pickle; `args` (an `argparse.Namespace`) unpickles as an
 * inert dict so a non-DeepSpeed fine-tuning save (model, optimizer, epoch, scaler, args) reads too.
 */
const SELECTOR: StateDictSelector = {
  select: (root) => {
    if (!(root instanceof Map)) return "holds no dict";
    for (const key of STATE_DICT_KEYS) {
      const inner = root.get(key);
      if (inner instanceof Map) return inner;
    }
    return root;
  },
  globals: [new PickleCallable("argparse.Namespace", () => new Map())],
};

/** Heads of the published ViT sizes, by the `vit_<size>` of an `--arch` name, with the width they go with. */
const ARCH_SIZES: Record<string, { heads: number; width: number }> = {
  small: { heads: 6, width: 384 },
  base: { heads: 12, width: 768 },
  large: { heads: 16, width: 1024 },
  huge: { heads: 16, width: 1280 },
  giant: { heads: 16, width: 1408 },
};

/** What the caller knows that the weights do not say. */
export interface PthOptions {
  /** Attention heads. */
  numHeads?: number;
  /** An upstream model name such as `vit_base_patch16_224`: heads, patch and image size. */
  arch?: string;
}

/** An `--arch` name read: heads, width, patch and image size. */
interface ArchName {
  heads: number;
  width: number;
  patch: number;
  image: number;
}

/**
 * Reads an upstream model name (`vit_{small,base,large,huge,giant}_patch{P}_{S}`).
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` naming `arch` for any other name
 * @example
 * parseArchName("vit_giant_patch14_224"); // { heads: 16, width: 1408, patch: 14, image: 224 }
 */
export function parseArchName(arch: string): ArchName {
  const m = /^vit_(small|base|large|huge|giant)_patch(\d+)_(\d+)$/.exec(arch);
  if (!m)
    throw invalidParameterError(
      "arch",
      "a name like vit_base_patch16_224 (vit_small|base|large|huge|giant_patch<P>_<size>)",
      arch,
    );
  return { ...ARCH_SIZES[m[1]], patch: Number(m[2]), image: Number(m[3]) };
}

/**
 * The state dict of a `.pth` file with upstream's prefixes stripped; pre-training decoder parts are left in
 * (see {@link isPretrainingOnly}).
 *
 * @throws VidmaeError `E_WEIGHTS` / `E_IO` from the reader, `E_CHECKPOINT` when two keys strip to one name
 * @example
 * const tensors = await readPthStateDict("vit_b_k710_dl_from_giant.pth");
 * tensors.get("blocks.0.attn.qkv.weight")?.shape; // [2304, 768]
 */
export async function readPthStateDict(path: string): Promise<Map<string, RawTensor>> {
  const raw = await readTorchBin(path, SELECTOR);
  const out = new Map<string, RawTensor>();
  for (const [key, t] of raw) {
    let name = key;
    for (let prefix; (prefix = STRIPPED_PREFIXES.find((p) => name.startsWith(p)));)
      name = name.slice(prefix.length);
    if (out.has(name))
      throw new VidmaeError("E_CHECKPOINT", `${path}: tensors ${key} and another key both strip to ${name}`);
    out.set(name, t);
  }
  return out;
}

/**
 * True for the decoder, `encoder_to_decoder` and `mask_token` of a pre-training checkpoint.
 *
 * @example
 * isPretrainingOnly("decoder.blocks.0.norm1.weight"); // true
 */
export function isPretrainingOnly(key: string): boolean {
  return PRETRAINING_ONLY.test(key);
}

/**
 * The clip a learnable position table of `tokens` rows was made for: the first of 16, 8, 32, 4, 2 frames that
 * leaves a square grid of patches, or null.
 */
function clipOfTable(
  tokens: number,
  tubelet: number,
  patch: number,
): { imageSize: number; numFrames: number } | null {
  for (const numFrames of [16, 8, 32, 4, 2]) {
    const side = Math.sqrt(tokens / (numFrames / tubelet));
    if (numFrames % tubelet === 0 && Number.isInteger(side)) return { imageSize: side * patch, numFrames };
  }
  return null;
}

/**
 * Reads the architecture off the weights: width, channels, tubelet and patch from `patch_embed.proj.weight`,
 * depth from the block indices, MLP width from `fc1`, `qkv_bias` from `q_bias`, layer scale from `gamma_1`,
 * pooling from `fc_norm`, classes from `head.weight`, a learnable table from `pos_embed`. Heads come from
 * `options` (never guessed); the default clip from a learnable table's size, else an `--arch` name's image
 * size (else 224) and 16 frames (the input decides both when the model runs).
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` naming `--num-heads` when neither it nor `arch` is given, or they
 *   disagree with the weights; `E_CHECKPOINT` when the file is no VideoMAE state dict
 * @example
 * inferArch(tensors, "checkpoint.pth", { numHeads: 12 }).depth; // 12
 */
export function inferArch(
  tensors: ReadonlyMap<string, RawTensor>,
  file: string,
  options: PthOptions,
): OriginalArch {
  const proj = tensors.get("patch_embed.proj.weight")?.shape;
  if (proj?.length !== 5) {
    const found = [...tensors.keys()].slice(0, 5).join(", ") || "none";
    throw new VidmaeError(
      "E_CHECKPOINT",
      `${file}: no 5-D patch_embed.proj.weight, so not a VideoMAE checkpoint of the original code (keys: ${found}${tensors.size > 5 ? ", …" : ""})`,
    );
  }
  const [embedDim, inChans, tubeletSize, patchSize] = proj;
  const named = options.arch === undefined ? undefined : parseArchName(options.arch);
  if (named && named.width !== embedDim)
    throw invalidParameterError(
      "--arch",
      `a model of width ${embedDim} (the weights' patch_embed.proj.weight has shape [${proj.join(", ")}])`,
      options.arch,
    );
  if (named && named.patch !== patchSize)
    throw invalidParameterError(
      "--arch",
      `a name with patch${patchSize} (the weights' patch size)`,
      options.arch,
    );
  const numHeads = options.numHeads ?? named?.heads;
  if (numHeads === undefined)
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      `${file}: a .pth checkpoint does not record its number of attention heads; give it with --num-heads N (or --arch, e.g. vit_base_patch16_224)`,
    );
  if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0)
    throw invalidParameterError("--num-heads", `a divisor of the width ${embedDim}`, numHeads);
  const blocks = new Set<number>();
  for (const key of tensors.keys()) {
    const m = /^blocks\.(\d+)\./.exec(key);
    if (m) blocks.add(Number(m[1]));
  }
  const posEmbed = tensors.get("pos_embed")?.shape;
  const posEmbedTokens = posEmbed?.length === 3 ? posEmbed[1] : null;
  const clip = (posEmbedTokens === null ? null : clipOfTable(posEmbedTokens, tubeletSize, patchSize)) ?? {
    imageSize: named?.image ?? 224,
    numFrames: 16,
  };
  return {
    embedDim,
    depth: blocks.size,
    numHeads,
    mlpHidden: tensors.get("blocks.0.mlp.fc1.weight")?.shape[0] ?? 4 * embedDim,
    inChans,
    tubeletSize,
    patchSize,
    qkvBias: tensors.has("blocks.0.attn.q_bias"),
    layerScale: tensors.has("blocks.0.gamma_1"),
    meanPooling: tensors.has("fc_norm.weight"),
    numClasses: tensors.get("head.weight")?.shape[0] ?? 0,
    posEmbedTokens,
    ...clip,
    layerNormEps: 1e-6,
  };
}
