/**
 * int8 against fp32 at ViT-B width (768 dims, 12 heads, 3072 MLP): the quantization error of per-column int8
 * weights and per-tensor uint8 activations grows with the width, so the tiny fixtures alone do not show it. The
 * model is cut to two layers and 32 tokens to run in seconds; the bench checks the full ViT-B.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import onnxProto from "onnx-proto";
import { type Float32Tensor, VideoMAE } from "../../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../../src/model/videomae/random.js";
import { tempDir } from "../helpers/temp.js";

const VIT_B_WIDTH = {
  hidden_size: 768,
  num_attention_heads: 12,
  intermediate_size: 3072,
  num_hidden_layers: 2,
  image_size: 64,
  patch_size: 16,
  num_frames: 4,
};
const LABELS = Array.from({ length: 400 }, (_, i) => `class_${i}`);
const quiet = { cache: false, onWarning: () => {} };

const dir = join(tempDir("vidmae-int8-"), "vit-b-width");
let models: Record<"fp32" | "int8", VideoMAE>;
before(async () => {
  await writeRandomCheckpoint(dir, { config: VIT_B_WIDTH, kind: "classification", labels: LABELS, seed: 5 });
  models = {
    fp32: await VideoMAE.fromDirectory(dir, { ...quiet, precision: "fp32" }),
    int8: await VideoMAE.fromDirectory(dir, { ...quiet, precision: "int8" }),
  };
});
after(async () => {
  await Promise.all(Object.values(models ?? {}).map((m) => m.release()));
});

/** Uniform pixels in [-2, 2) from a seeded LCG: about the range of normalised frames. */
function clips(batch: number, seed: number): Float32Tensor {
  const { num_frames: t, image_size: s } = VIT_B_WIDTH;
  const dims = [batch, t, 3, s, s];
  let state = seed;
  const data = Float32Array.from({ length: batch * t * 3 * s * s }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 4 - 2;
  });
  return { data, dims };
}

function rowCosines(a: Float32Tensor, b: Float32Tensor): number[] {
  const [rows, d] = a.dims;
  return Array.from({ length: rows }, (_, r) => {
    let [dot, na, nb] = [0, 0, 0];
    for (let i = r * d; i < (r + 1) * d; i++)
      [dot, na, nb] = [dot + a.data[i] * b.data[i], na + a.data[i] ** 2, nb + b.data[i] ** 2];
    return dot / Math.sqrt(na * nb);
  });
}

describe("int8 at ViT-B width", () => {
  test("embeddings within cosine 0.99 of fp32 and the same top-1 label on every clip", async () => {
    const input = clips(8, 11);
    const [fp32, int8] = [await models.fp32.forward(input), await models.int8.forward(input)];
    for (const key of ["meanPooled", "pooled"] as const)
      rowCosines(fp32[key]!, int8[key]!).forEach((c, r) =>
        assert.ok(c >= 0.99, `${key} row ${r}: cosine ${c} < 0.99`),
      );
    const top1 = (logits: Float32Tensor) => models.fp32.topK(logits, 1).map((row) => row[0].index);
    assert.deepEqual(top1(int8.logits!), top1(fp32.logits!));
  });

  test("every linear layer but the patch embedding is a DynamicQuantizeMatMul over int8 weights", async () => {
    const graph = onnxProto.onnx.ModelProto.decode(await models.int8.exportOnnx()).graph!;
    const ops = graph.node!.map((n) => n.opType!);
    const count = (op: string) => ops.filter((o) => o === op).length;
    // Per layer: packed QKV, attention output, MLP in and out; then the classifier.
    assert.equal(count("DynamicQuantizeMatMul"), 4 * VIT_B_WIDTH.num_hidden_layers + 1);
    assert.equal(count("MatMul"), 1, "only the patch embedding stays a float MatMul");
    const int8Weights = graph.initializer!.filter(
      (t) => t.dataType === onnxProto.onnx.TensorProto.DataType.INT8,
    );
    assert.equal(int8Weights.length, 4 * VIT_B_WIDTH.num_hidden_layers + 1);
  });
});
