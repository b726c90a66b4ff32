import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DEFAULT_PREPROCESSOR_CONFIG, parsePreprocessorConfig } from "../../src/preprocess/config.js";
import { loadPreprocessorConfig } from "../../src/preprocess/config-file.js";

const FILE = "preprocessor_config.json";

/** What MCG-NJU/videomae-base ships (the current HF form). */
const HUB_CONFIG = {
  crop_size: { height: 224, width: 224 },
  do_center_crop: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_processor_type: "VideoMAEImageProcessor",
  image_std: [0.229, 0.224, 0.225],
  resample: 2,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 224 },
};

describe("parsePreprocessorConfig", () => {
  it("uses VideoMAEImageProcessor's class defaults for absent fields", () => {
    assert.deepEqual(parsePreprocessorConfig({}, FILE), {
      doResize: true,
      size: { shortestEdge: 224 },
      resample: "bilinear",
      doCenterCrop: true,
      cropSize: { height: 224, width: 224 },
      doRescale: true,
      rescaleFactor: 1 / 255,
      doNormalize: true,
      imageMean: [0.5, 0.5, 0.5],
      imageStd: [0.5, 0.5, 0.5],
    });
    assert.deepEqual(DEFAULT_PREPROCESSOR_CONFIG, parsePreprocessorConfig({}, FILE));
  });

  it("reads a hub config and ignores unknown fields", () => {
    const c = parsePreprocessorConfig(HUB_CONFIG, FILE);
    assert.deepEqual(c.imageMean, [0.485, 0.456, 0.406]);
    assert.deepEqual(c.imageStd, [0.229, 0.224, 0.225]);
    assert.equal(c.rescaleFactor, 1 / 255);
    assert.equal(c.resample, "bilinear");
  });

  it("accepts HF's other size forms", () => {
    const parse = (json: object) => parsePreprocessorConfig(json, FILE);
    assert.deepEqual(parse({ size: 160 }).size, { shortestEdge: 160 });
    assert.deepEqual(parse({ size: { height: 160, width: 200 } }).size, { height: 160, width: 200 });
    assert.deepEqual(parse({ size: [160, 200] }).size, { height: 160, width: 200 });
    assert.deepEqual(parse({ size: { shortest_edge: 160, longest_edge: 300 } }).size, { shortestEdge: 160 });
    assert.deepEqual(parse({ crop_size: 112 }).cropSize, { height: 112, width: 112 });
    assert.deepEqual(parse({ crop_size: [112, 96] }).cropSize, { height: 112, width: 96 });
    assert.deepEqual(parse({ image_mean: 0.45 }).imageMean, [0.45, 0.45, 0.45]);
    assert.deepEqual(
      [1, 3, 4, 5].map((resample) => parse({ resample }).resample),
      ["lanczos", "bicubic", "box", "hamming"],
    );
  });

  it("names the file and the field of a wrong value", () => {
    const fails = (json: unknown, message: string) =>
      assert.throws(() => parsePreprocessorConfig(json, FILE), {
        name: "VidmaeError",
        code: "E_CONFIG",
        message,
      });
    fails(
      { image_mean: [0.5, 0.5] },
      "preprocessor_config.json: field image_mean: expected array of 3 numbers",
    );
    fails(
      { image_std: ["0.5", 0.5, 0.5] },
      "preprocessor_config.json: field image_std: expected array of 3 numbers",
    );
    fails({ do_resize: "yes" }, "preprocessor_config.json: field do_resize: expected boolean");
    fails({ rescale_factor: null }, "preprocessor_config.json: field rescale_factor: expected number");
    fails(
      { size: { shortest_edge: 0 } },
      'preprocessor_config.json: field size: expected {"shortest_edge": n} or {"height": h, "width": w} with positive integers',
    );
    fails(
      { size: { height: 224 } },
      'preprocessor_config.json: field size: expected {"shortest_edge": n} or {"height": h, "width": w} with positive integers',
    );
    fails(
      { crop_size: { shortest_edge: 224 } },
      'preprocessor_config.json: field crop_size: expected {"height": h, "width": w} with positive integers',
    );
    fails(
      { resample: 0 },
      "preprocessor_config.json: field resample: expected 1 (LANCZOS), 2 (BILINEAR), 3 (BICUBIC), 4 (BOX) or 5 (HAMMING); 0 (NEAREST) is not supported",
    );
    fails([1, 2], "preprocessor_config.json: expected a JSON object");
  });
});

describe("loadPreprocessorConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "vidmae-preprocess-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file", async () => {
    const path = join(dir, FILE);
    writeFileSync(path, JSON.stringify(HUB_CONFIG));
    assert.deepEqual((await loadPreprocessorConfig(path)).imageStd, [0.229, 0.224, 0.225]);
  });

  it("reports invalid JSON as E_CONFIG and a missing file as E_IO, naming the path", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    await assert.rejects(loadPreprocessorConfig(bad), (e: Error & { code: string }) => {
      assert.equal(e.code, "E_CONFIG");
      assert.ok(e.message.startsWith(`${bad}: invalid JSON: `), e.message);
      return true;
    });
    await assert.rejects(loadPreprocessorConfig(join(dir, "none.json")), { code: "E_IO" });
  });
});
