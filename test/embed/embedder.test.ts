import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { prepareVideo } from "../../src/embed/clips.js";
import { Embedder, resolvePooling } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../../src/model/videomae/random.js";
import { processorForModel } from "../../src/preprocess/for-model.js";
import { decodeAllFrames } from "../../src/video/decode.js";
import { clipIndices } from "../../src/video/sampling.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";

const tinyConfig = {
  hidden_size: 32,
  num_attention_heads: 4,
  intermediate_size: 64,
  num_hidden_layers: 2,
  image_size: 32,
  patch_size: 8,
  num_frames: 4,
};

let tmp: string;
let model: VideoMAE;
let videos: { a: string; b: string; bad: string };
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-embed-"));
  await writeRandomCheckpoint(join(tmp, "model"), {
    kind: "classification",
    config: tinyConfig,
    labels: ["p", "q", "r"],
  });
  model = await VideoMAE.fromDirectory(join(tmp, "model"), { cache: false });
  videos = {
    a: await makeVideo(tmp, { name: "a.mp4", width: 96, height: 64, frames: 40 }),
    b: await makeVideo(tmp, { name: "b.webm", width: 48, height: 64, frames: 21, source: "mandelbrot" }),
    bad: await makeBadInput(tmp, "text"),
  };
});
after(async () => {
  await model.release();
  await rm(tmp, { recursive: true, force: true });
});

const clipsSpec = {
  numFrames: 4,
  sampling: { strategy: "clips" as const, clips: 3, frameSampleRate: 2 },
  crops: 3 as const,
};

describe("prepareVideo", () => {
  test("decodes exactly the sampled frames and preprocesses each clip and crop", async () => {
    const processor = await processorForModel(join(tmp, "model"));
    const v = await prepareVideo(videos.a, processor, clipsSpec, { keepFrames: true });
    const expected = clipIndices(40, 4, { clips: 3, frameSampleRate: 2 }).clips;
    assert.deepEqual(
      v.clips.map((c) => c.frameIndices),
      expected,
    );
    assert.deepEqual(v.rowDims, [4, 3, 32, 32]);
    assert.equal(v.crops, 3);
    // Same pixels as preprocessing a full decode's frames at those indices.
    const all = await decodeAllFrames(videos.a);
    const frameBytes = all.width * all.height * 3;
    const row = 4 * 3 * 32 * 32;
    for (const [k, indices] of expected.entries()) {
      const frames = new Uint8Array(4 * frameBytes);
      indices.forEach((f, i) =>
        frames.set(all.frames.subarray(f * frameBytes, (f + 1) * frameBytes), i * frameBytes),
      );
      assert.deepEqual(v.frames!.subarray(k * 4 * frameBytes, (k + 1) * 4 * frameBytes), frames);
      const { resized } = processor.outputSize(all.height, all.width);
      const want = processor.preprocessFrames(
        frames,
        4,
        all.height,
        all.width,
        undefined,
        0,
        processor.cropOffsets(resized.height, resized.width, 3),
      );
      assert.deepEqual(v.pixels.subarray(k * 3 * row, (k + 1) * 3 * row), want);
    }
    // 25 fps: clip k starts at its first frame's time and ends after its last frame.
    assert.deepEqual(
      v.clips.map((c) => [c.startSec, c.endSec]),
      expected.map((ix) => [ix[0] / 25, (ix[3] + 1) / 25]),
    );
  });
});

describe("Embedder", () => {
  test("vectors are the model's outputs on the prepared pixels, video vector = mean of clips and crops", async () => {
    const embedder = await Embedder.create(model, { sampling: clipsSpec.sampling, crops: 3 });
    assert.equal(embedder.pooling, "head");
    const e = await embedder.embedVideo(videos.a);
    const v = await prepareVideo(videos.a, embedder.processor, embedder.spec);
    const out = await model.forward({ data: v.pixels, dims: [9, ...v.rowDims] });
    assert.equal(e.clips.length, 9);
    e.clips.forEach((c, i) => {
      assert.equal(c.clipIndex, Math.floor(i / 3));
      assert.equal(c.crop, i % 3);
      const ref = out.pooled!.data.subarray(i * 32, (i + 1) * 32);
      // Batch 1 vs batch 9 differ only by GEMM summation order.
      c.vector.forEach((x, j) => assert.ok(Math.abs(x - ref[j]) < 1e-5, `clip ${i} [${j}]`));
    });
    for (let j = 0; j < 32; j++) {
      let s = 0;
      for (let i = 0; i < 9; i++) s += e.clips[i].vector[j];
      assert.ok(Math.abs(e.vector[j] - s / 9) < 1e-6);
    }
    assert.equal(e.logits!.length, 3);
  });

  test("batching across videos gives the same vectors; a bad video fails alone", async () => {
    const one = await Embedder.create(model, { sampling: clipsSpec.sampling, pooling: "mean" });
    const many = await Embedder.create(model, { sampling: clipsSpec.sampling, pooling: "mean", batch: 4 });
    const results = new Map<string, Float32Array | string>();
    for await (const o of many.embedVideos([videos.a, videos.bad, videos.b]))
      results.set(o.path, "error" in o ? o.error.message : o.embedding.vector);
    assert.deepEqual([...results.keys()].sort(), [videos.a, videos.b, videos.bad].sort());
    assert.equal(
      results.get(videos.bad),
      `${videos.bad}: not a readable media file (FFmpeg: Invalid data found when processing input)`,
    );
    for (const path of [videos.a, videos.b]) {
      const alone = (await one.embedVideo(path)).vector;
      const batched = results.get(path) as Float32Array;
      for (let j = 0; j < alone.length; j++)
        assert.ok(Math.abs(alone[j] - batched[j]) < 1e-5, `${path}[${j}]`);
    }
  });

  test("an aborted run stops after the batch in flight", async () => {
    const embedder = await Embedder.create(model, { batch: 1 });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const o of embedder.embedVideos([videos.a, videos.b, videos.a, videos.b], controller.signal)) {
      seen.push(o.path);
      controller.abort();
    }
    assert.deepEqual(seen, [videos.a]);
  });

  test("checks its options", async () => {
    await assert.rejects(Embedder.create(model, { numFrames: 3 }), {
      message:
        "Expected multiple of the model's tubelet_size (2) for numFrames but received 3 of type number",
    });
    await assert.rejects(Embedder.create(model, { crops: 2 as 1 }), {
      message: "Expected 1 or 3 for crops but received 2 of type number",
    });
    await assert.rejects(Embedder.create(model, { sampling: { clips: 0 } }), {
      message: "Expected positive integer for clips but received 0 of type number",
    });
    assert.throws(() => resolvePooling("head", "base"), {
      code: "E_INVALID_ARGUMENT",
      message:
        'Expected mean or auto for a checkpoint without a classification head for pooling but received "head" of type string',
    });
    assert.equal(resolvePooling("auto", "pretraining"), "mean");
  });
});
