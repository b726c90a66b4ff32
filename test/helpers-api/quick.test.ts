/**
 * The one-call helpers as their TSDoc examples use them, on the tiny fixture classifier and synthetic videos,
 * checked against what the CLI commands they stand for print.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { VideoMAE, classifyVideo, embedVideo, similarVideos } from "../../src/index.js";
import { runCliInProcess } from "../cli/helpers.js";
import { fixture } from "../helpers/fixtures.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { offlineEnv, tempDir } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";

const model = fixture("videomae/tiny-classifier");
const tmp = tempDir("vidmae-helpers-");
let env: Record<string, string>;
let modelOptions: { cacheDir: string };
let videos: string[];
let db: string;

async function cli(args: string[]): Promise<string> {
  const result = await runCliInProcess(args, env);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

before(async () => {
  env = offlineEnv(tmp);
  modelOptions = { cacheDir: env.VIDMAE_CACHE };
  videos = [];
  for (const [label, source] of [
    ["bars", "smptebars"],
    ["pattern", "testsrc2"],
    ["fractal", "mandelbrot"],
  ]) {
    await mkdir(join(tmp, "videos", label), { recursive: true });
    videos.push(await makeVideo(join(tmp, "videos", label), { name: `${label}.mp4`, source, frames: 24 }));
  }
  db = join(tmp, "vidmae.db");
  await cli(["embed", join(tmp, "videos"), "--db", db, "--model", model, "--labels-from-dirs", "--json"]);
});

describe("embedVideo", () => {
  test("the per-video vector, clips with times in seconds, and the space", async () => {
    const { vector, clips, space } = await embedVideo(videos[0], {
      model,
      sampling: { strategy: "clips", clips: 2, frameSampleRate: 2 },
      modelOptions,
    });
    assert.equal(vector.length, space.dim);
    assert.equal(clips.length, 2);
    for (const c of clips) {
      assert.equal(c.vector.length, space.dim);
      assert.ok(c.start >= 0 && c.end > c.start && c.end <= 24 / 25 + 1e-9, `${c.start}-${c.end}`);
    }
    // The video vector is the mean of the clip vectors, as vidmae embed stores it.
    for (let i = 0; i < vector.length; i++)
      assert.ok(Math.abs(vector[i] - (clips[0].vector[i] + clips[1].vector[i]) / 2) < 1e-5);
    assert.equal(space.model, model);
    assert.equal(space.pooling, "head");
  });

  test("a loaded model is borrowed, not released", async () => {
    const loaded = await VideoMAE.load(model, modelOptions);
    try {
      const a = await embedVideo(videos[1], { model: loaded });
      const b = await embedVideo(videos[1], { model: loaded });
      assert.deepEqual(a.vector, b.vector);
      assert.equal(a.space.model, loaded.dir);
    } finally {
      await loaded.release();
    }
  });
});

describe("classifyVideo", () => {
  test("the head's top k labels, as vidmae classify prints them", async () => {
    const top = await classifyVideo(videos[2], { model, k: 3, modelOptions });
    assert.equal(top.length, 3);
    assert.ok(top[0].score >= top[1].score && top[1].score >= top[2].score);
    const printed = JSON.parse(await cli(["classify", videos[2], "--model", model, "--k", "3", "--json"]));
    assert.deepEqual(
      top.map((t) => t.label),
      printed.top.map((t: { label: string }) => t.label),
    );
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(top[i].score - printed.top[i].score) < 1e-6);
  });

  test("refuses a checkpoint without a head, and a bad k", async () => {
    const base = await writeTinyCheckpoint(join(tmp, "base"));
    await assert.rejects(classifyVideo(videos[0], { model: base, modelOptions }), {
      code: "E_INVALID_ARGUMENT",
      message: /has no classification head/,
    });
    await assert.rejects(classifyVideo(videos[0], { model, k: 0 }), { code: "E_INVALID_ARGUMENT" });
  });
});

describe("similarVideos", () => {
  test("from a file: the neighbours vidmae similar prints, with path, label and cosine similarity", async () => {
    const hits = await similarVideos(videos[0], { db, k: 3, modelOptions });
    assert.equal(hits.length, 3);
    assert.equal(hits[0].path, videos[0]);
    assert.equal(hits[0].label, "bars");
    assert.ok(Math.abs(hits[0].score - 1) < 1e-5, String(hits[0].score));
    assert.equal(hits[0].metric, "cosine");
    const printed = JSON.parse(await cli(["similar", videos[0], "--db", db, "--k", "3", "--json"]));
    assert.deepEqual(
      hits.map((h) => h.videoId),
      printed.map((h: { videoId: number }) => h.videoId),
    );
  });

  test("from a vector, with the L2 metric: distances, nearest first", async () => {
    const { vector } = await embedVideo(videos[1], { model, modelOptions });
    const hits = await similarVideos(vector, { db, k: 2, metric: "l2" });
    assert.equal(hits[0].path, videos[1]);
    assert.ok(hits[0].score < 1e-3 && hits[1].score >= hits[0].score);
  });
});
