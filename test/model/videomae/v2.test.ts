/**
 * VideoMAE V2 hub folders and original-code `.pth` checkpoints: the three reference fixtures (outputs of
 * OpenGVLab's own PyTorch code), random checkpoints of other sizes in each layout against the float64
 * reference of the README's maths, and the errors a user meets.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as ort from "onnxruntime-node";
import { hashFiles } from "../../../src/model/videomae/checkpoint.js";
import { type ForwardResult, VideoMAE } from "../../../src/model/videomae/model.js";
import { type OriginalArch } from "../../../src/model/videomae/v2/arch.js";
import { readSafetensors } from "../../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../../src/model/weights/tensor.js";
import { assertVidmaeError } from "../../helpers/errors.js";
import { fixture } from "../../helpers/fixtures.js";
import {
  type Tensor,
  randomOriginalWeights,
  writeOriginalPth,
  writeV2HubFolder,
} from "../../helpers/original-checkpoints.js";
import { referenceForwardV2 } from "../../helpers/reference-videomae-v2.js";
import { tempDir } from "../../helpers/temp.js";

const quiet = { cache: false, onWarning: () => {} };
const TOLERANCE = 1e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** The three fixtures and how `--model` names them. */
const FIXTURES = [
  { name: "v2-hub", model: "v2-hub", numHeads: undefined, kind: "base", labels: null },
  {
    name: "v2-pth-classifier",
    model: "v2-pth-classifier/checkpoint.pth",
    numHeads: 4,
    kind: "classification",
    labels: ["0", "1", "2", "3", "4"],
  },
  {
    name: "v1-original-pth",
    model: "v1-original-pth/checkpoint.pth",
    numHeads: 3,
    kind: "classification",
    labels: ["0", "1", "2", "3"],
  },
] as const;

/** Each output a reference file holds, by its name, from a forward result. */
function outputsByName(out: ForwardResult): Map<string, Float32Array> {
  const named = new Map<string, Float32Array>([
    ["last_hidden_state", out.lastHiddenState.data],
    ["mean_pooled", out.meanPooled.data],
  ]);
  if (out.pooled) named.set("pooled", out.pooled.data);
  if (out.logits) named.set("logits", out.logits.data);
  out.hiddenStates?.forEach((h, i) => named.set(`hidden_states.${i}`, h.data));
  return named;
}

describe("VideoMAE V2 / original-code fixtures", () => {
  for (const f of FIXTURES)
    test(`${f.name}: every stored output within ${TOLERANCE} of OpenGVLab's PyTorch code`, async () => {
      const ref = await readSafetensors(fixture(`videomae-v2/${f.name}/reference.safetensors`));
      const model = await VideoMAE.load(fixture(`videomae-v2/${f.model}`), {
        ...quiet,
        numHeads: f.numHeads,
      });
      try {
        assert.equal(model.kind, f.kind);
        assert.deepEqual(model.labels, f.labels);
        for (const prefix of ["", "zeros."]) {
          const pv = ref.get(`${prefix}pixel_values`)!;
          const out = await model.forward(
            { data: toFloat32(pv, "pixel_values", ""), dims: pv.shape },
            { hiddenStates: true },
          );
          const got = outputsByName(out);
          const expected = [...ref.keys()].filter(
            (k) => k.startsWith(prefix) && !k.endsWith("_f64") && !k.endsWith("pixel_values"),
          );
          for (const key of expected) {
            const name = key.slice(prefix.length);
            if (prefix === "" && name.startsWith("zeros.")) continue;
            const mine = got.get(name);
            assert.ok(mine, `${f.name}: no output ${name}`);
            const diff = maxAbsDiff(mine, toFloat32(ref.get(key)!, key, ""));
            assert.ok(diff < TOLERANCE, `${f.name} ${key}: max abs diff ${diff}`);
          }
          // pooled and (for classifiers) logits are always among them.
          assert.ok(got.has("pooled"));
          assert.equal(got.has("logits"), f.kind === "classification");
        }
      } finally {
        await model.release();
      }
    });
});

/** A clip of N(0,1)-ish pixels, [1, T, 3, S, S]. */
function randomClip(frames: number, side: number, seed: number): Float32Array {
  const n = frames * 3 * side * side;
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 3;
  }
  return out;
}

function valuesAndShapes(weights: ReadonlyMap<string, Tensor>) {
  return {
    values: new Map([...weights].map(([k, t]) => [k, t.data])),
    shapes: new Map([...weights].map(([k, t]) => [k, t.shape])),
  };
}

/** Runs `model` on one random clip and checks every output against the float64 reference. */
async function checkAgainstReference(
  model: VideoMAE,
  weights: ReadonlyMap<string, Tensor>,
  heads: number,
  frames: number,
  side: number,
): Promise<ForwardResult> {
  const pixels = randomClip(frames, side, frames * 1000 + side);
  const out = await model.forward({ data: pixels, dims: [1, frames, 3, side, side] });
  const { values, shapes } = valuesAndShapes(weights);
  const ref = referenceForwardV2(values, shapes, pixels, { heads, frames, side });
  assert.ok(maxAbsDiff(out.lastHiddenState.data, ref.lastHidden) < TOLERANCE, "last_hidden_state");
  assert.ok(maxAbsDiff(out.pooled!.data, ref.pooled) < TOLERANCE, "pooled");
  if (ref.logits) assert.ok(maxAbsDiff(out.logits!.data, ref.logits) < TOLERANCE, "logits");
  else assert.equal(out.logits, undefined);
  return out;
}

/** An architecture for random `.pth` checkpoints; the image size and frames are the input's. */
function arch(
  a: Partial<OriginalArch> & Pick<OriginalArch, "embedDim" | "depth" | "numHeads">,
): OriginalArch {
  return {
    mlpHidden: 4 * a.embedDim,
    inChans: 3,
    tubeletSize: 2,
    patchSize: 8,
    qkvBias: true,
    layerScale: false,
    meanPooling: true,
    numClasses: 0,
    posEmbedTokens: null,
    imageSize: 224,
    numFrames: 16,
    layerNormEps: 1e-6,
    ...a,
  };
}

describe("random checkpoints of other sizes against the float64 reference", () => {
  test("hub layout: giant-style mlp_ratio 48/11, layer scale, qkv bias, mean pooling, head, 6 frames of 24 px", async () => {
    const dir = join(tempDir(), "hub");
    const { weights } = await writeV2HubFolder(
      dir,
      {
        img_size: 24,
        patch_size: 6,
        num_frames: 6,
        tubelet_size: 2,
        embed_dim: 44,
        depth: 3,
        num_heads: 11,
        mlp_ratio: 48 / 11,
        qkv_bias: true,
        init_values: 0.1,
        use_mean_pooling: true,
        num_classes: 3,
      },
      11,
    );
    assert.deepEqual(weights.get("blocks.0.mlp.fc1.weight")!.shape, [192, 44]);
    const model = await VideoMAE.load(dir, quiet);
    assert.equal(model.layout, "v2-hub");
    await checkAgainstReference(model, weights, 11, 6, 24);
    await model.release();
  });

  test("pre-training .pth under model with encoder. prefix and decoder: no qkv bias, final norm, no head", async () => {
    const a = arch({
      embedDim: 16,
      depth: 2,
      numHeads: 2,
      qkvBias: false,
      meanPooling: false,
      tubeletSize: 1,
      patchSize: 4,
    });
    const weights = randomOriginalWeights(a, 5);
    const withDecoder = new Map(weights);
    withDecoder.set("decoder.blocks.0.norm1.weight", { shape: [8], data: new Float32Array(8) });
    const path = await writeOriginalPth(join(tempDir(), "pretrain.pth"), withDecoder, {
      wrap: "model",
      prefix: "encoder.",
    });
    // The pre-training's own top-level tensors, unprefixed, as upstream saves them.
    const model = await VideoMAE.load(path, { ...quiet, numHeads: 2 });
    assert.equal(model.kind, "base");
    assert.equal(model.layout, "original-pth");
    await checkAgainstReference(model, weights, 2, 3, 16);
    await model.release();
  });

  test("bare state dict with _orig_mod. prefix and a learnable pos_embed; image size and frames from the input", async () => {
    const a = arch({
      embedDim: 24,
      depth: 2,
      numHeads: 3,
      layerScale: true,
      numClasses: 7,
      posEmbedTokens: 8,
    });
    const weights = randomOriginalWeights(a, 9);
    const path = await writeOriginalPth(join(tempDir(), "learnable.pth"), weights, {
      wrap: null,
      prefix: "_orig_mod.",
    });
    const model = await VideoMAE.load(path, { ...quiet, numHeads: 3 });
    assert.deepEqual(model.labels, ["0", "1", "2", "3", "4", "5", "6"]);
    await checkAgainstReference(model, weights, 3, 4, 16);
    await assertVidmaeError(
      () => model.forward({ data: randomClip(8, 16, 1), dims: [1, 8, 3, 16, 16] }),
      "E_SHAPE",
      "the checkpoint's learnable position table covers 8 tokens, not 16",
    );
    await model.release();
  });

  test("DeepSpeed-style .pth under module with optimizer/epoch/args entries, two input sizes", async () => {
    const a = arch({ embedDim: 32, depth: 1, numHeads: 8, layerScale: true, numClasses: 2, mlpHidden: 50 });
    const weights = randomOriginalWeights(a, 13);
    const path = await writeOriginalPth(join(tempDir(), "ft.pth"), weights, { wrap: "module" });
    const model = await VideoMAE.load(path, { ...quiet, numHeads: 8 });
    await checkAgainstReference(model, weights, 8, 2, 16);
    await checkAgainstReference(model, weights, 8, 4, 24);
    await model.release();
  });
});

describe("loading errors", () => {
  const small = arch({ embedDim: 16, depth: 2, numHeads: 4, layerScale: true, numClasses: 2 });

  test("a .pth without --num-heads names the flag, never guesses", async () => {
    const path = await writeOriginalPth(join(tempDir(), "m.pth"), randomOriginalWeights(small, 1), {
      wrap: "module",
    });
    await assertVidmaeError(
      () => VideoMAE.load(path, quiet),
      "E_INVALID_ARGUMENT",
      `${path}: a .pth checkpoint does not record its number of attention heads; give it with --num-heads N (or --arch, e.g. vit_base_patch16_224)`,
    );
    await assertVidmaeError(
      () => VideoMAE.load(path, { ...quiet, numHeads: 3 }),
      "E_INVALID_ARGUMENT",
      "Expected a divisor of the width 16 for --num-heads but received 3 of type number",
    );
    await assertVidmaeError(
      () => VideoMAE.load(path, { ...quiet, arch: "vit_base_patch16_224" }),
      "E_INVALID_ARGUMENT",
      'Expected a model of width 16 (the weights\' patch_embed.proj.weight has shape [16, 3, 2, 8, 8]) for --arch but received "vit_base_patch16_224" of type string',
    );
  });

  test("--arch gives the heads of the named size", async () => {
    const a = arch({ embedDim: 384, depth: 1, numHeads: 6, patchSize: 16 });
    const weights = randomOriginalWeights(a, 2);
    const path = await writeOriginalPth(join(tempDir(), "s.pth"), weights, { wrap: "model" });
    const model = await VideoMAE.load(path, { ...quiet, arch: "vit_small_patch16_224" });
    assert.equal(model.config.num_attention_heads, 6);
    assert.equal(model.config.image_size, 224);
    await checkAgainstReference(model, weights, 6, 2, 32);
    await model.release();
  });

  test("missing and unexpected tensors are named with their shapes", async () => {
    const weights = randomOriginalWeights(small, 1);
    weights.delete("blocks.1.gamma_2");
    weights.set("blocks.0.attn.relative_position_bias_table", { shape: [3, 4], data: new Float32Array(12) });
    const path = await writeOriginalPth(join(tempDir(), "bad.pth"), weights, { wrap: "model" });
    await assertVidmaeError(
      () => VideoMAE.load(path, { ...quiet, numHeads: 4 }),
      "E_CHECKPOINT",
      `${path}: missing tensor blocks.1.gamma_2 (expected shape [16]); unexpected tensor blocks.0.attn.relative_position_bias_table with shape [3, 4] (not part of this config)`,
    );
  });

  test("a hub folder whose weights contradict config.json is reported by key", async () => {
    const dir = join(tempDir(), "hub");
    await writeV2HubFolder(
      dir,
      { img_size: 16, patch_size: 8, embed_dim: 16, depth: 1, num_heads: 2, num_classes: 0 },
      1,
    );
    const config = JSON.parse(
      await (await import("node:fs/promises")).readFile(join(dir, "config.json"), "utf8"),
    );
    config.model_config.mlp_ratio = 2;
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    await assertVidmaeError(
      () => VideoMAE.load(dir, quiet),
      "E_CHECKPOINT",
      `${join(dir, "model.safetensors")}: tensor blocks.0.mlp.fc1.weight has shape [64, 16] but ${join(dir, "config.json")} implies [32, 16]; tensor blocks.0.mlp.fc1.bias has shape [64] but ${join(dir, "config.json")} implies [32]; tensor blocks.0.mlp.fc2.weight has shape [16, 64] but ${join(dir, "config.json")} implies [16, 32]`,
    );
  });

  test("hub config errors name the file and the field", async () => {
    const dir = join(tempDir(), "hub");
    await writeV2HubFolder(dir, { img_size: 16, patch_size: 8, embed_dim: 16, depth: 1, num_heads: 2 }, 1);
    const file = join(dir, "config.json");
    const write = (modelConfig: Record<string, unknown>) =>
      writeFile(file, JSON.stringify({ model_type: "VideoMAEv2_Base", model_config: modelConfig }));
    await write({ mlp_ratio: "4" });
    await assertVidmaeError(
      () => VideoMAE.load(dir, quiet),
      "E_CONFIG",
      `${file}: field model_config.mlp_ratio: Invalid input: expected number, received string`,
    );
    await write({ cos_attn: true });
    await assertVidmaeError(
      () => VideoMAE.load(dir, quiet),
      "E_CONFIG",
      `${file}: field model_config.cos_attn: cosine attention (true) is not supported`,
    );
    await write({ embed_dim: 30, num_heads: 4 });
    await assertVidmaeError(
      () => VideoMAE.load(dir, quiet),
      "E_CONFIG",
      `${file}: field hidden_size: 30 is not a multiple of num_attention_heads (4)`,
    );
  });

  test("--num-heads on a folder must agree with its config", async () => {
    const dir = fixture("videomae-v2/v2-hub");
    await assertVidmaeError(
      () => VideoMAE.load(dir, { ...quiet, numHeads: 2 }),
      "E_INVALID_ARGUMENT",
      `Expected 4 (what ${join(dir, "config.json")} says) or nothing for --num-heads but received 2 of type number`,
    );
    const agreed = await VideoMAE.load(dir, { ...quiet, numHeads: 4 });
    await agreed.release();
  });

  test("a file that is not a torch zip archive", async () => {
    const path = join(tempDir(), "notes.pth");
    await writeFile(path, "hello");
    await assertVidmaeError(
      () => VideoMAE.load(path, quiet),
      "E_CHECKPOINT",
      `${path}: not a torch.save zip archive; --model takes a model folder, a hub repo id or a .pth checkpoint`,
    );
  });
});

describe("what V2 models share with the rest", () => {
  test("a head with 400 or 710 outputs is named by the Kinetics-400 / -710 label maps, others by index", async () => {
    for (const [numClasses, first, last] of [
      [400, "abseiling", "zumba"],
      [710, "riding a bike", "bull fighting"],
    ] as const) {
      const a = arch({ embedDim: 8, depth: 1, numHeads: 2, numClasses });
      const path = await writeOriginalPth(
        join(tempDir(), `k${numClasses}.pth`),
        randomOriginalWeights(a, 3),
        {
          wrap: "model",
        },
      );
      const model = await VideoMAE.load(path, { ...quiet, numHeads: 2 });
      assert.equal(model.labels?.length, numClasses);
      assert.deepEqual([model.labels?.[0], model.labels?.at(-1)], [first, last]);
      await model.release();
    }
  });

  test("the content hash carries the layout and the heads, so V1 and V2 vectors never share a space", async () => {
    const hub = await VideoMAE.load(fixture("videomae-v2/v2-hub"), quiet);
    const plain = `sha256:${await hashFiles([
      fixture("videomae-v2/v2-hub/config.json"),
      fixture("videomae-v2/v2-hub/model.safetensors"),
      fixture("videomae-v2/v2-hub/preprocessor_config.json"),
    ])}`;
    assert.notEqual(await hub.contentHash(), plain);
    await hub.release();
    const pth = fixture("videomae-v2/v2-pth-classifier/checkpoint.pth");
    const [two, four] = await Promise.all(
      [2, 4].map((numHeads) => VideoMAE.load(pth, { ...quiet, numHeads })),
    );
    assert.notEqual(await two.contentHash(), await four.contentHash());
    await Promise.all([two.release(), four.release()]);
  });

  test("int8 runs the V2 graph: close to fp32, not equal", async () => {
    const ref = await readSafetensors(fixture("videomae-v2/v2-pth-classifier/reference.safetensors"));
    const pv = ref.get("pixel_values")!;
    const input = { data: toFloat32(pv, "", ""), dims: pv.shape };
    const path = fixture("videomae-v2/v2-pth-classifier/checkpoint.pth");
    const int8 = await VideoMAE.load(path, { ...quiet, numHeads: 4, precision: "int8" });
    const out = await int8.forward(input);
    await int8.release();
    const expected = toFloat32(ref.get("pooled")!, "", "");
    const diff = maxAbsDiff(out.pooled!.data, expected);
    assert.ok(diff > 0 && diff < 0.1, `int8 pooled diff ${diff}`);
  });

  test("export-onnx: the standalone graph of a .pth model runs in plain onnxruntime at the size asked", async () => {
    const ref = await readSafetensors(fixture("videomae-v2/v1-original-pth/reference.safetensors"));
    const model = await VideoMAE.load(fixture("videomae-v2/v1-original-pth/checkpoint.pth"), {
      ...quiet,
      numHeads: 3,
    });
    const bytes = await model.exportOnnx({ frames: 8, size: 32 });
    await assertVidmaeError(
      () => model.exportOnnx({ size: 30 }),
      "E_INVALID_ARGUMENT",
      "Expected positive multiple of patch_size (8) for size but received 30 of type number",
    );
    await model.release();
    const session = await ort.InferenceSession.create(bytes);
    const pv = ref.get("pixel_values")!;
    const out = await session.run({
      pixel_values: new ort.Tensor("float32", toFloat32(pv, "", ""), pv.shape),
    });
    const diff = maxAbsDiff(out.logits.data as Float32Array, toFloat32(ref.get("logits")!, "", ""));
    assert.ok(diff < TOLERANCE, `logits ${diff}`);
    await session.release();
  });
});
