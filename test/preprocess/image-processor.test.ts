import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parsePreprocessorConfig } from "../../src/preprocess/config.js";
import { VideoMAEImageProcessor } from "../../src/preprocess/image-processor.js";

const dir = new URL("../fixtures/videomae/preprocess/", import.meta.url);

interface Case {
  name: string;
  frames: number;
  height: number;
  width: number;
  shortest_edge: number;
  crop: [number, number];
  crop_top: number;
  crop_left: number;
  resized_hw: [number, number];
  resample: number;
  rescale_factor: number;
  image_mean: number[];
  image_std: number[];
}

/** Tensors of a safetensors file by name (U8 and F32 only; copies, so F32 is aligned): 8-byte LE header length, JSON header, data. */
function readSafetensors(bytes: Uint8Array): Map<string, Uint8Array | Float32Array> {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; data_offsets: [number, number] }
  >;
  const tensors = new Map<string, Uint8Array | Float32Array>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const {
      dtype,
      data_offsets: [a, b],
    } = entry;
    const raw = bytes.slice(8 + headerLength + a, 8 + headerLength + b);
    tensors.set(name, dtype === "F32" ? new Float32Array(raw.buffer) : raw);
  }
  return tensors;
}

const cases = JSON.parse(readFileSync(new URL("cases.json", dir), "utf8")) as Case[];
const tensors = readSafetensors(new Uint8Array(readFileSync(new URL("reference.safetensors", dir))));

function processorFor(c: Case): VideoMAEImageProcessor {
  const json = {
    size: { shortest_edge: c.shortest_edge },
    crop_size: { height: c.crop[0], width: c.crop[1] },
    resample: c.resample,
    rescale_factor: c.rescale_factor,
    image_mean: c.image_mean,
    image_std: c.image_std,
  };
  return new VideoMAEImageProcessor(parsePreprocessorConfig(json, "preprocessor_config.json"));
}

describe("VideoMAEImageProcessor against the HF reference", () => {
  for (const c of cases) {
    const input = tensors.get(`${c.name}.input`) as Uint8Array;
    const p = processorFor(c);

    it(`${c.name}: sizes and crop offset`, () => {
      const { resized, crop } = p.outputSize(c.height, c.width);
      assert.deepEqual([resized.height, resized.width], c.resized_hw);
      assert.deepEqual([crop.height, crop.width], c.crop);
      assert.deepEqual(p.cropOffsets(resized.height, resized.width), [
        { top: c.crop_top, left: c.crop_left },
      ]);
    });

    it(`${c.name}: resized uint8 frames are bit-exact`, () => {
      const expected = tensors.get(`${c.name}.resized`) as Uint8Array;
      const actual = p.resizeFrames(input, c.frames, c.height, c.width);
      assert.equal(actual.length, expected.length);
      let mismatches = 0;
      for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) mismatches++;
      assert.equal(mismatches, 0, `${mismatches} of ${expected.length} bytes differ`);
    });

    it(`${c.name}: pixel_values within 1e-5`, () => {
      const expected = tensors.get(`${c.name}.pixel_values`) as Float32Array;
      const actual = p.preprocessFrames(input, c.frames, c.height, c.width);
      assert.equal(actual.length, expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
      assert.ok(worst <= 1e-5, `max abs difference ${worst}`);
    });

    it(`${c.name}: writes into a caller's buffer at an offset`, () => {
      const expected = tensors.get(`${c.name}.pixel_values`) as Float32Array;
      const out = new Float32Array(expected.length + 10).fill(7);
      const returned = p.preprocessFrames(input, c.frames, c.height, c.width, out, 5);
      assert.equal(returned, out);
      assert.deepEqual(
        out.subarray(5, 5 + expected.length),
        p.preprocessFrames(input, c.frames, c.height, c.width),
      );
      assert.deepEqual([out[4], out[5 + expected.length]], [7, 7]);
    });
  }
});

/** Deterministic pseudo-random uint8 frames. */
function noise(length: number, seed = 1): Uint8Array {
  const a = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

describe("VideoMAEImageProcessor", () => {
  const defaults = new VideoMAEImageProcessor();

  it("computes HF output sizes: truncated long edge, width short when square or portrait", () => {
    assert.deepEqual(defaults.outputSize(720, 1280).resized, { height: 224, width: 398 });
    assert.deepEqual(defaults.outputSize(13, 17).resized, { height: 224, width: 292 });
    assert.deepEqual(defaults.outputSize(100, 100).resized, { height: 224, width: 224 });
    const exact = new VideoMAEImageProcessor(
      parsePreprocessorConfig({ size: { height: 5, width: 9 } }, "c.json"),
    );
    assert.deepEqual(exact.outputSize(720, 1280).resized, { height: 5, width: 9 });
    const off = new VideoMAEImageProcessor(
      parsePreprocessorConfig({ do_resize: false, do_center_crop: false }, "c"),
    );
    assert.deepEqual(off.outputSize(7, 11), {
      resized: { height: 7, width: 11 },
      crop: { height: 7, width: 11 },
    });
  });

  it("gives 1 center crop or 3 crops along the longer side", () => {
    assert.deepEqual(defaults.cropOffsets(224, 398, 3), [
      { top: 0, left: 0 },
      { top: 0, left: 87 },
      { top: 0, left: 174 },
    ]);
    assert.deepEqual(defaults.cropOffsets(301, 230, 3), [
      { top: 0, left: 3 },
      { top: 38, left: 3 },
      { top: 77, left: 3 },
    ]);
    assert.deepEqual(defaults.cropOffsets(224, 224, 3), Array(3).fill({ top: 0, left: 0 }));
    assert.deepEqual(defaults.cropOffsets(229, 300, 1), [{ top: 2, left: 38 }]);
    assert.throws(() => defaults.cropOffsets(224, 224, 2 as 3), { code: "E_INVALID_ARGUMENT" });
  });

  it("writes 3 crops one after another, each equal to preprocessing with that crop alone", () => {
    const [t, h, w] = [2, 45, 80];
    const small = new VideoMAEImageProcessor(parsePreprocessorConfig({ size: 20, crop_size: 20 }, "c"));
    const frames = noise(t * h * w * 3);
    const views = small.cropOffsets(20, 35, 3);
    const all = small.preprocessFrames(frames, t, h, w, undefined, 0, views);
    const block = t * 3 * 20 * 20;
    assert.equal(all.length, 3 * block);
    views.forEach((view, i) => {
      assert.deepEqual(
        all.subarray(i * block, (i + 1) * block),
        small.preprocessFrames(frames, t, h, w, undefined, 0, [view]),
      );
    });
    // Crop 2 starts at column 15 of the 20x35 resize: its first channel-0 value is resized pixel (0, 15).
    const resized = small.resizeFrames(frames, t, h, w);
    assert.equal(
      all[2 * block],
      Math.fround(Math.fround(Math.fround(resized[15 * 3] * (1 / 255)) - 0.5) / 0.5),
    );
  });

  it("pads with zeros (before rescale and normalize) when the crop is larger than the frame", () => {
    const p = new VideoMAEImageProcessor(
      parsePreprocessorConfig({ do_resize: false, crop_size: { height: 4, width: 3 } }, "c"),
    );
    const frame = new Uint8Array(2 * 2 * 3).fill(255);
    const out = p.preprocessFrames(frame, 1, 2, 2);
    // Rows: top = (2 - 4) // 2 = -1, so row 0 and row 3 are padding; columns: left = -1, so column 0 is.
    const one = (255 / 255 - 0.5) / 0.5;
    const pad = (0 - 0.5) / 0.5;
    assert.deepEqual(Array.from(out.subarray(0, 12)), [
      pad,
      pad,
      pad,
      pad,
      one,
      one,
      pad,
      one,
      one,
      pad,
      pad,
      pad,
    ]);
  });

  it("leaves a same-size frame unresized", () => {
    const p = new VideoMAEImageProcessor(parsePreprocessorConfig({ size: { height: 6, width: 5 } }, "c"));
    const frames = noise(2 * 6 * 5 * 3);
    assert.deepEqual(p.resizeFrames(frames, 2, 6, 5), frames);
  });

  it("rejects buffers that do not match the sizes", () => {
    assert.throws(() => defaults.preprocessFrames(new Uint8Array(10), 1, 2, 2), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected 12 (t x height x width x 3) for frames.length but received 10 of type number",
    });
    assert.throws(() => defaults.preprocessFrames(new Uint8Array(12), 1, 2, 2, new Float32Array(10)), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected at least 150528 (outOffset + 150528) for out.length but received 10 of type number",
    });
    assert.throws(() => defaults.resizeFrames(new Uint8Array(12), 0, 2, 2), { code: "E_INVALID_ARGUMENT" });
  });
});
