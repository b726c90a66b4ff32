import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PNG } from "pngjs";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { clipIndices } from "../../src/video/sampling.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
let video: string;
let modelDir: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-video-"));
  env = offlineEnv(tmp);
  video = await makeVideo(tmp, { name: "clip.mp4", width: 80, height: 48, frames: 30 });
  modelDir = join(tmp, "model");
  await writeTinyCheckpoint(modelDir, {
    kind: "classification",
    labels: ["walking", "running", "jumping"],
  });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("vidmae frames", () => {
  test("writes frame indices, raw frames and pixel_values, plus contact sheets", async () => {
    const out = join(tmp, "frames.safetensors");
    const pngDir = join(tmp, "sheets");
    const run = await runCliInProcess(
      [
        "frames",
        video,
        "--model",
        modelDir,
        "--sampling",
        "clips",
        "--clips",
        "2",
        "--frame-sample-rate",
        "3",
        "--crops",
        "3",
        "--out",
        out,
        "--png",
        pngDir,
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${out}: 2 clip(s) x 4 frames of 80x48, pixel_values [6, 4, 3, 32, 32]\n`);
    const t = await readSafetensors(out);
    const indices = t.get("frame_indices")!;
    assert.equal(indices.dtype, "I64");
    assert.deepEqual(indices.shape, [2, 4]);
    const values = Array.from(new BigInt64Array(Uint8Array.from(indices.data).buffer), Number);
    assert.deepEqual(values, clipIndices(30, 4, { clips: 2, frameSampleRate: 3 }).clips.flat());
    assert.deepEqual(t.get("frames")!.shape, [2, 4, 48, 80, 3]);
    assert.equal(t.get("frames")!.dtype, "U8");
    assert.deepEqual(t.get("pixel_values")!.shape, [6, 4, 3, 32, 32]);
    const sheets = (await readdir(pngDir)).sort();
    assert.deepEqual(sheets, [
      "clip0_crop0.png",
      "clip0_crop1.png",
      "clip0_crop2.png",
      "clip1_crop0.png",
      "clip1_crop1.png",
      "clip1_crop2.png",
    ]);
    const png = PNG.sync.read(await readFile(join(pngDir, sheets[0])));
    assert.deepEqual([png.width, png.height], [4 * 32 + 3 * 2, 32]);
  });

  test("needs --num-frames with --processor alone, and rejects bad flags and videos", async () => {
    const processor = join(modelDir, "preprocessor_config.json");
    const noFrames = await runCliInProcess(
      ["frames", video, "--processor", processor, "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(noFrames.code, 1);
    assert.equal(
      noFrames.stderr,
      "vidmae: --num-frames is required with --processor (no model config says how many frames a clip has)\n",
    );
    const ok = await runCliInProcess(
      ["frames", video, "--processor", processor, "--num-frames", "6", "--out", join(tmp, "p.safetensors")],
      env,
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(
      (await readSafetensors(join(tmp, "p.safetensors"))).get("pixel_values")!.shape,
      [1, 6, 3, 32, 32],
    );
    const crops = await runCliInProcess(
      ["frames", video, "--model", modelDir, "--crops", "2", "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(crops.stderr, 'vidmae: Expected 1 or 3 for --crops but received "2" of type string\n');
    const empty = await makeBadInput(tmp, "empty");
    const bad = await runCliInProcess(
      ["frames", empty, "--model", modelDir, "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`^vidmae: ${empty}: .+\\n$`));
  });
});

describe("vidmae classify", () => {
  test("prints top-k labels per video and fails (exit 1) only after the others", async () => {
    const bad = await makeBadInput(tmp, "text");
    const run = await runCliInProcess(
      [
        "classify",
        video,
        bad,
        "--model",
        modelDir,
        "--k",
        "2",
        "--json",
        "--sampling",
        "clips",
        "--clips",
        "2",
      ],
      env,
    );
    assert.equal(run.code, 1);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const good = lines.find((l) => l.path === video);
    assert.equal(good.views, 2);
    assert.equal(good.top.length, 2);
    assert.ok(good.top[0].score >= good.top[1].score);
    assert.ok(["walking", "running", "jumping"].includes(good.top[0].label));
    const failed = lines.find((l) => l.path === bad);
    assert.equal(failed.error.code, "E_VIDEO");
  });

  test("--top is the deprecated spelling of --k, with a one-line notice", async () => {
    const old = await runCliInProcess(["classify", video, "--model", modelDir, "--top", "1", "--json"], env);
    assert.equal(old.code, 0, old.stderr);
    assert.equal(old.stderr, "vidmae: --top is deprecated; use --k\n");
    assert.equal(JSON.parse(old.stdout).top.length, 1);
    const both = await runCliInProcess(
      ["classify", video, "--model", modelDir, "--top", "1", "--k", "2"],
      env,
    );
    assert.equal(both.code, 1);
    assert.equal(both.stderr, "vidmae: Give --k only (--top is its deprecated spelling)\n");
  });

  test("refuses a checkpoint without a head", async () => {
    const base = join(tmp, "base");
    await writeTinyCheckpoint(base);
    const run = await runCliInProcess(["classify", video, "--model", base], env);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `vidmae: ${base} has no classification head (it is a base checkpoint); use a fine-tuned model such as MCG-NJU/videomae-base-finetuned-kinetics\n`,
    );
  });
});
