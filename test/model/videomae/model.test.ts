import assert from "node:assert/strict";
import { copyFile, mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { loadCheckpoint } from "../../../src/model/videomae/checkpoint.js";
import type { VideoMAEConfig } from "../../../src/model/videomae/config.js";
import { type Float32Tensor, VideoMAE } from "../../../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../../../src/model/videomae/random.js";
import { type EmbeddingSpaceSpec, normalizeSpaceSpec, spaceKey } from "../../../src/space/spec.js";
import { readSafetensors } from "../../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../../src/model/weights/tensor.js";
import { fixture } from "../../helpers/fixtures.js";
import { referenceForward } from "../../helpers/reference-videomae.js";

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-model-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** max |a - ref| - (atol + rtol·|ref|) ≤ 0 for every element. */
function assertClose(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  what: string,
  atol = 1e-5,
  rtol = 1e-5,
): void {
  assert.equal(got.length, ref.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < ref.length; i++) {
    const excess = Math.abs(got[i] - ref[i]) - (atol + rtol * Math.abs(ref[i]));
    if (excess > worst) [worst, at] = [excess, i];
  }
  assert.ok(worst <= 0, `${what}: element ${at} is ${got[at]} but the reference is ${ref[at]}`);
}

const SPACE: EmbeddingSpaceSpec = {
  model: "m",
  revision: null,
  weightsHash: "",
  pooling: "mean",
  sampling: { method: "uniform", numFrames: 2, crops: 1 },
  precision: "fp32",
  dim: 16,
};

const quiet = { cache: false, onWarning: () => {} };

describe("VideoMAE forward matches the Hugging Face reference fixtures", () => {
  for (const name of ["tiny-model", "tiny-classifier", "tiny-pretrain"]) {
    test(name, async () => {
      const dir = fixture(`videomae/${name}`);
      const ref = await readSafetensors(join(dir, "reference.safetensors"));
      const get = (k: string) => toFloat32(ref.get(k)!, k, "reference.safetensors");
      const model = await VideoMAE.fromDirectory(dir, quiet);
      assert.equal(
        model.kind,
        { "tiny-model": "base", "tiny-classifier": "classification", "tiny-pretrain": "pretraining" }[name],
      );
      for (const prefix of ["", "zeros."]) {
        const pv = ref.get(`${prefix}pixel_values`)!;
        const out = await model.forward(
          { data: get(`${prefix}pixel_values`), dims: pv.shape },
          { hiddenStates: true },
        );
        assert.deepEqual(out.lastHiddenState.dims, ref.get(`${prefix}last_hidden_state`)!.shape);
        assertClose(
          out.lastHiddenState.data,
          get(`${prefix}last_hidden_state`),
          `${prefix}last_hidden_state`,
        );
        assertClose(out.meanPooled.data, get(`${prefix}mean_pooled`), `${prefix}mean_pooled`);
        assert.equal(out.hiddenStates!.length, 3);
        out.hiddenStates!.forEach((h, i) =>
          assertClose(h.data, get(`${prefix}hidden_states.${i}`), `${prefix}hidden_states.${i}`),
        );
        if (name === "tiny-classifier") {
          assertClose(out.pooled!.data, get(`${prefix}pooled`), `${prefix}pooled`);
          assertClose(out.logits!.data, get(`${prefix}logits`), `${prefix}logits`);
        } else {
          assert.equal(out.logits, undefined);
        }
      }
      await model.release();
    });
  }

  test("pytorch_model.bin gives the same outputs as model.safetensors", async () => {
    const src = fixture("videomae/tiny-classifier");
    const dir = join(tmp, "bin-only");
    await import("node:fs/promises").then((fs) => fs.mkdir(dir));
    await copyFile(join(src, "config.json"), join(dir, "config.json"));
    await copyFile(join(src, "pytorch_model.bin"), join(dir, "pytorch_model.bin"));
    const ref = await readSafetensors(join(src, "reference.safetensors"));
    const model = await VideoMAE.fromDirectory(dir, quiet);
    const pv = ref.get("pixel_values")!;
    const out = await model.forward({ data: toFloat32(pv, "pv", "ref"), dims: pv.shape });
    assertClose(out.logits!.data, toFloat32(ref.get("logits")!, "logits", "ref"), "logits");
    assertClose(
      out.lastHiddenState.data,
      toFloat32(ref.get("last_hidden_state")!, "l", "ref"),
      "last_hidden_state",
    );
    assert.deepEqual(model.labels, ["archery", "bowling", "cooking", "dancing", "juggling"]);
  });
});

/** Seeded pixels in [-2, 2). */
function randomPixels(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

describe("VideoMAE forward matches an independent float64 implementation on other configs", () => {
  const cases: {
    name: string;
    config: Partial<VideoMAEConfig>;
    kind: "base" | "classification" | "pretraining";
    frames?: number;
    dtype?: "F16" | "BF16";
  }[] = [
    {
      name: "3 heads, patch 4, tubelet 3, no qkv bias, final layernorm, gelu_new, classifier reads token 0",
      config: {
        hidden_size: 24,
        num_attention_heads: 3,
        intermediate_size: 40,
        num_hidden_layers: 2,
        image_size: 16,
        patch_size: 4,
        num_frames: 6,
        tubelet_size: 3,
        qkv_bias: false,
        use_mean_pooling: false,
        hidden_act: "gelu_new",
        layer_norm_eps: 1e-6,
      },
      kind: "classification",
    },
    {
      name: "1 head, tubelet 1, relu, 3 layers",
      config: {
        hidden_size: 16,
        num_attention_heads: 1,
        intermediate_size: 16,
        num_hidden_layers: 3,
        image_size: 8,
        patch_size: 4,
        num_frames: 2,
        tubelet_size: 1,
        hidden_act: "relu",
      },
      kind: "base",
    },
    {
      name: "quick_gelu, 2 channels, pre-training layout",
      config: {
        hidden_size: 32,
        num_attention_heads: 8,
        intermediate_size: 48,
        num_hidden_layers: 1,
        image_size: 12,
        patch_size: 6,
        num_channels: 2,
        num_frames: 4,
        hidden_act: "quick_gelu",
      },
      kind: "pretraining",
    },
    {
      name: "silu with mean pooling head",
      config: {
        hidden_size: 20,
        num_attention_heads: 4,
        intermediate_size: 30,
        num_hidden_layers: 2,
        image_size: 8,
        patch_size: 4,
        num_frames: 4,
        hidden_act: "silu",
      },
      kind: "classification",
    },
    {
      name: "8 frames on a 4-frame checkpoint (extended position table)",
      config: {
        hidden_size: 16,
        num_attention_heads: 2,
        intermediate_size: 32,
        num_hidden_layers: 2,
        image_size: 8,
        patch_size: 4,
        num_frames: 4,
      },
      kind: "base",
      frames: 8,
    },
    {
      name: "float16 weights",
      config: {
        hidden_size: 16,
        num_attention_heads: 2,
        intermediate_size: 32,
        num_hidden_layers: 2,
        image_size: 8,
        patch_size: 4,
        num_frames: 4,
      },
      kind: "classification",
      dtype: "F16",
    },
    {
      name: "bfloat16 weights",
      config: {
        hidden_size: 16,
        num_attention_heads: 2,
        intermediate_size: 32,
        num_hidden_layers: 2,
        image_size: 8,
        patch_size: 4,
        num_frames: 4,
      },
      kind: "classification",
      dtype: "BF16",
    },
  ];
  cases.forEach((tc, i) => {
    test(tc.name, async () => {
      const dir = join(tmp, `random-${i}`);
      const config = await writeRandomCheckpoint(dir, {
        config: tc.config,
        kind: tc.kind,
        labels: ["a", "b", "c", "d"],
        seed: i,
        dtype: tc.dtype,
      });
      const warnings: string[] = [];
      const model = await VideoMAE.fromDirectory(dir, { cache: false, onWarning: (m) => warnings.push(m) });
      const frames = tc.frames ?? config.num_frames;
      const per = frames * config.num_channels * config.image_size ** 2;
      const pixels = randomPixels(2 * per, 7 + i);
      const out = await model.forward({
        data: pixels,
        dims: [2, frames, config.num_channels, config.image_size, config.image_size],
      });
      const ckpt = await loadCheckpoint(dir);
      const labels = tc.kind === "classification" ? 4 : 0;
      for (let b = 0; b < 2; b++) {
        const ref = referenceForward(
          config,
          ckpt.weights,
          pixels.subarray(b * per, (b + 1) * per),
          frames,
          labels,
        );
        const N = ref.lastHidden.length;
        assertClose(
          out.lastHiddenState.data.subarray(b * N, (b + 1) * N),
          ref.lastHidden,
          `last_hidden_state[${b}]`,
        );
        const D = config.hidden_size;
        assertClose(out.meanPooled.data.subarray(b * D, (b + 1) * D), ref.meanPooled, `mean_pooled[${b}]`);
        if (labels) {
          assertClose(out.pooled!.data.subarray(b * D, (b + 1) * D), ref.pooled!, `pooled[${b}]`);
          assertClose(out.logits!.data.subarray(b * 4, (b + 1) * 4), ref.logits!, `logits[${b}]`);
        }
      }
      if (tc.frames) {
        assert.deepEqual(warnings, [
          "VideoMAE: running 8-frame clips (16 tokens) on a checkpoint trained at num_frames=4; the position table is extended, but accuracy may differ",
        ]);
      } else assert.deepEqual(warnings, []);
      await model.release();
    });
  });
});

describe("int8 precision", () => {
  const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
    return dot / Math.sqrt(na * nb);
  };
  for (const name of ["tiny-model", "tiny-classifier", "tiny-pretrain"]) {
    test(`${name}: embeddings within cosine 0.999 of the reference, same top-1 label`, async () => {
      const dir = fixture(`videomae/${name}`);
      const ref = await readSafetensors(join(dir, "reference.safetensors"));
      const get = (k: string) => toFloat32(ref.get(k)!, k, "reference.safetensors");
      const model = await VideoMAE.fromDirectory(dir, { ...quiet, precision: "int8" });
      assert.equal(model.precision, "int8");
      const out = await model.forward({ data: get("pixel_values"), dims: ref.get("pixel_values")!.shape });
      const D = out.meanPooled.dims[1];
      const mean = get("mean_pooled");
      for (let b = 0; b < 2; b++) {
        const c = cosine(out.meanPooled.data.subarray(b * D, (b + 1) * D), mean.subarray(b * D, (b + 1) * D));
        assert.ok(c >= 0.999, `row ${b}: cosine ${c}`);
      }
      if (out.logits) {
        const logits = get("logits");
        const argmax = (a: ArrayLike<number>, r: number) => {
          const row = Array.from(a).slice(r * 5, r * 5 + 5);
          return row.indexOf(Math.max(...row));
        };
        for (let b = 0; b < 2; b++) assert.equal(argmax(out.logits.data, b), argmax(logits, b));
      }
      await model.release();
    });
  }
});

describe("VideoMAE runtime", () => {
  const tiny = {
    hidden_size: 16,
    num_attention_heads: 2,
    intermediate_size: 32,
    num_hidden_layers: 1,
    image_size: 8,
    patch_size: 4,
    num_frames: 2,
    tubelet_size: 2,
  };

  test("caches the built graph on disk and reuses it", async () => {
    const dir = join(tmp, "cached");
    const cacheDir = join(tmp, "graph-cache");
    await writeRandomCheckpoint(dir, { config: tiny, kind: "classification", labels: ["x", "y", "z"] });
    const input: Float32Tensor = { data: randomPixels(2 * 3 * 64, 3), dims: [1, 2, 3, 8, 8] };
    const first = await VideoMAE.fromDirectory(dir, { cacheDir });
    const a = await first.forward(input);
    const files = (await readdir(join(cacheDir, "graphs"))).sort();
    assert.equal(files.filter((f) => f.endsWith(".onnx")).length, 1);
    const second = await VideoMAE.fromDirectory(dir, { cacheDir });
    assert.deepEqual(second.labels, ["x", "y", "z"]);
    assert.equal(second.kind, "classification");
    assert.deepEqual((await readdir(join(cacheDir, "graphs"))).sort(), files);
    assert.deepEqual((await second.forward(input)).logits!.data, a.logits!.data);
  });

  test("two model folders reached by the same relative path never share a cached graph", async () => {
    const cacheDir = join(tmp, "identity-cache");
    const at = new Date("2026-01-01T00:00:00Z");
    for (const [side, labels, seed] of [
      ["a", ["x", "y", "z"], 1],
      ["b", ["p", "q", "r"], 2],
    ] as const) {
      const dir = join(tmp, "identity", side, "m");
      await writeRandomCheckpoint(dir, { config: tiny, kind: "classification", labels: [...labels], seed });
      // Same sizes and mtimes in both folders: only the real path and the content tell them apart.
      for (const f of await readdir(dir)) await utimes(join(dir, f), at, at);
    }
    const input: Float32Tensor = { data: randomPixels(2 * 3 * 64, 3), dims: [1, 2, 3, 8, 8] };
    const cwd = process.cwd();
    const load = async (side: string) => {
      process.chdir(join(tmp, "identity", side));
      try {
        const model = await VideoMAE.fromDirectory("m", { cacheDir });
        return { model, hash: await model.contentHash(), logits: (await model.forward(input)).logits! };
      } finally {
        process.chdir(cwd);
      }
    };
    const a = await load("a");
    const b = await load("b");
    assert.deepEqual(a.model.labels, ["x", "y", "z"]);
    assert.deepEqual(b.model.labels, ["p", "q", "r"]);
    assert.notDeepEqual(b.logits.data, a.logits.data);
    assert.notEqual(b.hash, a.hash);
    // The embedding space is keyed by that content hash; the typed name "m" is only its description.
    const space = (weightsHash: string) =>
      spaceKey(normalizeSpaceSpec({ ...SPACE, model: "m", weightsHash }));
    assert.notEqual(space(b.hash), space(a.hash));
    const graphs = (await readdir(join(cacheDir, "graphs"))).filter((f) => f.endsWith(".onnx"));
    assert.equal(graphs.length, 2);
  });

  test("rejects inputs of the wrong shape with a clear message", async () => {
    const dir = join(tmp, "shapes");
    await writeRandomCheckpoint(dir, { config: tiny });
    const model = await VideoMAE.fromDirectory(dir, quiet);
    const run = (dims: number[], n = dims.reduce((a, b) => a * b, 1)) =>
      model.forward({ data: new Float32Array(n), dims });
    await assert.rejects(run([1, 2, 3, 16, 16]), {
      code: "E_SHAPE",
      message:
        "pixel_values has shape [1, 2, 3, 16, 16]: the model takes 8x8 images (image_size), not 16x16; resize the frames first",
    });
    await assert.rejects(run([1, 3, 3, 8, 8]), {
      code: "E_SHAPE",
      message:
        "pixel_values has shape [1, 3, 3, 8, 8]: the frame count 3 is not a multiple of tubelet_size 2",
    });
    await assert.rejects(run([2, 3, 8, 8]), {
      code: "E_SHAPE",
      message:
        "pixel_values has shape [2, 3, 8, 8]: expected 5 dims [batch, frames, channels, height, width]",
    });
    await assert.rejects(run([1, 2, 1, 8, 8]), {
      code: "E_SHAPE",
      message: "pixel_values has shape [1, 2, 1, 8, 8]: the model expects 3 channels",
    });
    await assert.rejects(run([1, 2, 3, 8, 8], 5), {
      code: "E_SHAPE",
      message: "pixel_values has shape [1, 2, 3, 8, 8]: 5 values do not fill it",
    });
  });

  test("runs batches of any size, each row as if alone", async () => {
    const dir = join(tmp, "batches");
    await writeRandomCheckpoint(dir, { config: tiny });
    const model = await VideoMAE.fromDirectory(dir, quiet);
    const per = 2 * 3 * 64;
    const pixels = randomPixels(5 * per, 11);
    const all = await model.forward({ data: pixels, dims: [5, 2, 3, 8, 8] });
    const one = await model.forward({ data: pixels.slice(3 * per, 4 * per), dims: [1, 2, 3, 8, 8] });
    assertClose(all.meanPooled.data.subarray(3 * 16, 4 * 16), one.meanPooled.data, "row 3", 1e-6, 1e-6);
  });

  test("topK returns softmax scores sorted, labelled from id2label", async () => {
    const model = await VideoMAE.fromDirectory(fixture("videomae/tiny-classifier"), quiet);
    const top = model.topK({ data: new Float32Array([0, Math.log(3), 0, Math.log(2), 0]), dims: [1, 5] }, 3);
    assert.deepEqual(
      top[0].map((t) => [t.label, t.index]),
      [
        ["bowling", 1],
        ["dancing", 3],
        ["archery", 0],
      ],
    );
    assertClose(
      top[0].map((t) => t.score),
      [3 / 8, 2 / 8, 1 / 8],
      "scores",
      1e-7,
      0,
    );
    assert.throws(() => model.topK({ data: new Float32Array(5), dims: [1, 5] }, 0), {
      message: "Expected positive integer for k but received 0 of type number",
    });
  });

  test("exportOnnx writes a standalone graph with the label map in its metadata", async () => {
    const dir = fixture("videomae/tiny-classifier");
    const model = await VideoMAE.fromDirectory(dir, quiet);
    const bytes = await model.exportOnnx();
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    assert.deepEqual(JSON.parse(meta.id2label), {
      "0": "archery",
      "1": "bowling",
      "2": "cooking",
      "3": "dancing",
      "4": "juggling",
    });
    assert.deepEqual(
      decoded.graph!.input!.map((i) => i.name),
      ["pixel_values"],
    );
    assert.deepEqual(
      decoded.graph!.output!.map((o) => o.name),
      ["last_hidden_state", "mean_pooled", "pooled", "logits"],
    );
    const ref = await readSafetensors(join(dir, "reference.safetensors"));
    const session = await ort.InferenceSession.create(bytes);
    const pv = ref.get("pixel_values")!;
    const out = await session.run({
      pixel_values: new ort.Tensor("float32", toFloat32(pv, "pv", "ref"), pv.shape),
    });
    assertClose(out.logits.data as Float32Array, toFloat32(ref.get("logits")!, "logits", "ref"), "logits");
  });
});
