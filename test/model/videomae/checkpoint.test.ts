import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadCheckpoint } from "../../../src/model/videomae/checkpoint.js";
import { parseVideoMAEConfig } from "../../../src/model/videomae/config.js";
import { writeRandomCheckpoint } from "../../../src/model/videomae/random.js";
import { readSafetensors, writeSafetensors } from "../../../src/model/weights/safetensors.js";
import { fixture } from "../../helpers/fixtures.js";

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-ckpt-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const tiny = {
  hidden_size: 8,
  num_attention_heads: 2,
  intermediate_size: 16,
  num_hidden_layers: 1,
  image_size: 8,
  patch_size: 4,
  num_frames: 2,
};

/** A fresh copy of a small random classifier, to break in one way. */
async function scratch(name: string): Promise<string> {
  const dir = join(tmp, name);
  await writeRandomCheckpoint(dir, { config: tiny, kind: "classification", labels: ["a", "b"] });
  return dir;
}

/** Rewrites model.safetensors after `edit` changes its tensors. */
async function editWeights(
  dir: string,
  edit: (t: Map<string, import("../../../src/model/weights/tensor.js").RawTensor>) => void,
): Promise<void> {
  const file = join(dir, "model.safetensors");
  const tensors = await readSafetensors(file);
  const copy = new Map([...tensors].map(([k, t]) => [k, { ...t, data: t.data.slice() }]));
  edit(copy);
  await writeSafetensors(file, Object.fromEntries(copy));
}

describe("loadCheckpoint", () => {
  test("reads the three HF classes with their layout", async () => {
    const base = await loadCheckpoint(fixture("videomae/tiny-model"));
    assert.equal(base.kind, "base");
    assert.equal(base.labels, null);
    assert.ok(base.weights.has("encoder.layer.1.attention.attention.q_bias"));
    const cls = await loadCheckpoint(fixture("videomae/tiny-classifier"));
    assert.equal(cls.kind, "classification");
    assert.deepEqual(cls.labels, ["archery", "bowling", "cooking", "dancing", "juggling"]);
    assert.ok(
      cls.weights.has("fc_norm.weight") && cls.weights.has("embeddings.patch_embeddings.projection.weight"),
    );
    const pre = await loadCheckpoint(fixture("videomae/tiny-pretrain"));
    assert.equal(pre.kind, "pretraining");
    assert.ok(pre.weights.has("layernorm.weight"));
    assert.ok(![...pre.weights.keys()].some((k) => k.startsWith("decoder.")));
  });

  test("missing config.json", async () => {
    const dir = join(tmp, "empty");
    await mkdir(dir);
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CHECKPOINT",
      message: `${join(dir, "config.json")}: missing; a VideoMAE model directory needs a config.json`,
    });
  });

  test("a model_type that is not videomae", async () => {
    const dir = await scratch("bert");
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...config, model_type: "bert" }));
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CONFIG",
      message: `${join(dir, "config.json")}: field model_type: expected "videomae" but received "bert"`,
    });
  });

  test("no weights file", async () => {
    const dir = await scratch("noweights");
    await unlink(join(dir, "model.safetensors"));
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CHECKPOINT",
      message: `${dir}: no weights found (expected one of model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json)`,
    });
  });

  test("missing, misshapen and unexpected tensors are named with both shapes", async () => {
    const dir = await scratch("keys");
    await editWeights(dir, (t) => {
      t.delete("videomae.encoder.layer.0.attention.attention.q_bias");
      const w = t.get("classifier.weight")!;
      t.set("classifier.weight", { ...w, shape: [1, 16] });
      t.set("videomae.encoder.layer.1.output.dense.bias", {
        dtype: "F32",
        shape: [8],
        data: new Uint8Array(32),
      });
    });
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CHECKPOINT",
      message:
        `${join(dir, "model.safetensors")}: missing tensor videomae.encoder.layer.0.attention.attention.q_bias (expected shape [8]); ` +
        "tensor classifier.weight has shape [1, 16] but the config implies [2, 8]; " +
        "unexpected tensor videomae.encoder.layer.1.output.dense.bias with shape [8] (not part of this config)",
    });
  });

  test("a truncated weights file", async () => {
    const dir = await scratch("truncated");
    const { size } = await import("node:fs/promises").then((fs) => fs.stat(join(dir, "model.safetensors")));
    await truncate(join(dir, "model.safetensors"), size - 100);
    await assert.rejects(loadCheckpoint(dir), (e: Error & { code?: string }) => {
      assert.equal(e.code, "E_WEIGHTS");
      assert.match(
        e.message,
        new RegExp(
          `^${join(dir, "model.safetensors")}: file is truncated: tensor \\S+ ends at byte \\d+ of a \\d+-byte data section$`,
        ),
      );
      return true;
    });
  });

  test("a corrupt weights file", async () => {
    const dir = await scratch("corrupt");
    await writeFile(join(dir, "model.safetensors"), Buffer.from("this is not a safetensors file at all"));
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_WEIGHTS",
      message: `${join(dir, "model.safetensors")}: file is truncated or not a safetensors file (header length 2338328219631577204 exceeds the file size 37)`,
    });
  });

  test("an unsupported dtype", async () => {
    const dir = await scratch("dtype");
    await editWeights(dir, (t) => {
      const b = t.get("classifier.bias")!;
      t.set("classifier.bias", { dtype: "I32", shape: b.shape, data: b.data });
    });
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_UNSUPPORTED_DTYPE",
      message: `${join(dir, "model.safetensors")}: tensor classifier.bias has dtype I32; only F32, F16, BF16 and F64 weights are supported`,
    });
  });

  test("sharded safetensors through model.safetensors.index.json", async () => {
    const src = fixture("videomae/tiny-model");
    const dir = join(tmp, "sharded");
    await mkdir(dir);
    await copyFile(join(src, "config.json"), join(dir, "config.json"));
    const tensors = [...(await readSafetensors(join(src, "model.safetensors")))];
    const half = Math.ceil(tensors.length / 2);
    const shards = [tensors.slice(0, half), tensors.slice(half)];
    const weightMap: Record<string, string> = {};
    for (const [i, shard] of shards.entries()) {
      const name = `model-0000${i + 1}-of-00002.safetensors`;
      await writeSafetensors(join(dir, name), Object.fromEntries(shard));
      for (const [k] of shard) weightMap[k] = name;
    }
    await writeFile(
      join(dir, "model.safetensors.index.json"),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );
    const whole = await loadCheckpoint(src);
    const sharded = await loadCheckpoint(dir);
    assert.deepEqual([...sharded.weights.keys()].sort(), [...whole.weights.keys()].sort());
    for (const [k, w] of whole.weights) assert.deepEqual(sharded.weights.get(k), w, k);
    assert.equal(sharded.files.length, 4); // config, index, 2 shards
  });
});

describe("config.json sizes: bounded, and checked against the weights first", () => {
  /** A scratch checkpoint of two layers whose config.json is then overwritten with `edit` applied. */
  async function withConfig(name: string, edit: Record<string, unknown>): Promise<string> {
    const dir = join(tmp, name);
    await writeRandomCheckpoint(dir, { config: { ...tiny, num_hidden_layers: 2 }, kind: "base" });
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...config, ...edit }));
    return dir;
  }

  test("num_hidden_layers 1000000 over two layers of weights says so in one line, at once", async () => {
    const dir = await withConfig("million", { num_hidden_layers: 1000000 });
    const started = performance.now();
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CHECKPOINT",
      message: `${join(dir, "config.json")} says num_hidden_layers 1000000 but the weights hold 2 layers (encoder.layer.0 … encoder.layer.1)`,
    });
    assert.ok(performance.now() - started < 2000);
  });

  test("a hidden_size the patch embedding contradicts", async () => {
    const dir = await withConfig("hidden", { hidden_size: 16 });
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CHECKPOINT",
      message: `${join(dir, "config.json")} says hidden_size 16 but the weights have 8 (embeddings.patch_embeddings.projection.weight has shape [8, 3, 2, 4, 4])`,
    });
  });

  test("sizes the weights cannot tell, bounded: num_frames, and tokens per clip", async () => {
    let dir = await withConfig("frames", { num_frames: 2048 });
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CONFIG",
      message: `${join(dir, "config.json")}: field num_frames: 2048 is above the limit of 1024`,
    });
    dir = await withConfig("tokens", { image_size: 4096 });
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_CONFIG",
      message: `${join(dir, "config.json")}: fields num_frames, tubelet_size, image_size and patch_size give 1048576 tokens per clip, above the limit of 16384`,
    });
  });

  test("every bounded field, and id2label, through parseVideoMAEConfig", () => {
    const base = { model_type: "videomae", ...tiny };
    const cases: [Record<string, unknown>, string][] = [
      [{ num_hidden_layers: 257 }, "field num_hidden_layers: 257 is above the limit of 256"],
      [{ hidden_size: 16386 }, "field hidden_size: 16386 is above the limit of 16384"],
      [{ intermediate_size: 65537 }, "field intermediate_size: 65537 is above the limit of 65536"],
      [{ image_size: 4100, patch_size: 4 }, "field image_size: 4100 is above the limit of 4096"],
      [{ num_channels: 17 }, "field num_channels: 17 is above the limit of 16"],
      [{ num_hidden_layers: 0 }, "field num_hidden_layers: Too small: expected number to be >0"],
      [{ patch_size: 3 }, "field image_size: 8 is not a multiple of patch_size (3)"],
      [
        { id2label: Object.fromEntries(Array.from({ length: 100001 }, (_, i) => [String(i), "x"])) },
        "field id2label: 100001 labels is above the limit of 100000",
      ],
    ];
    for (const [edit, message] of cases)
      assert.throws(() => parseVideoMAEConfig({ ...base, ...edit }, "config.json"), {
        code: "E_CONFIG",
        message: `config.json: ${message}`,
      });
  });

  test("a config.json that is a FIFO is refused at once", async () => {
    const dir = join(tmp, "fifo-config");
    await mkdir(dir);
    execFileSync("mkfifo", [join(dir, "config.json")]);
    await assert.rejects(loadCheckpoint(dir), {
      code: "E_IO",
      message: `Cannot read ${join(dir, "config.json")}: it is a FIFO, not a regular file`,
    });
  });
});
