import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadStoreData } from "../../src/classify/dataset.js";
import { runDemo, type DemoMapHook, type DemoStep } from "../../src/demo/run.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { tempDir } from "../helpers/temp.js";

test("runDemo (reduced): videos, embeddings in a store, the table, results.json and the map hook", async () => {
  const outDir = join(tempDir(), "demo");
  const calls: Parameters<DemoMapHook>[0][] = [];
  const renderMap: DemoMapHook = async (input) => {
    calls.push(input);
    const path = join(input.outDir, "map.txt");
    const { rows } = await input.store.loadVectors(input.space.id, { level: "video" });
    writeFileSync(path, `${rows.length} points\n`);
    return path;
  };
  const messages: string[] = [];
  const steps: [DemoStep, number, number][] = [];
  const result = await runDemo({
    outDir,
    classes: ["bars-fast", "colour-flicker", "mandelbrot-zoom"],
    videosPerClass: 3,
    seed: 5,
    env: { HF_HUB_CACHE: join(outDir, "no-hf"), HF_ENDPOINT: "http://127.0.0.1:9" },
    runtime: { cacheDir: join(outDir, "graphs") },
    onProgress: (m) => messages.push(m),
    onStep: (step, done, total) => steps.push([step, done, total]),
    renderMap,
  });

  assert.equal(result.model.random, true);
  assert.equal(result.model.embeddingDims, 128);
  assert.deepEqual(result.pixels, { frames: 8, size: 8, dims: 512 });
  assert.deepEqual(result.classes, ["bars-fast", "colour-flicker", "mandelbrot-zoom"]);
  assert.equal(result.videos, 9);
  assert.deepEqual(result.split, { train: 6, test: 3, seed: 5 });
  assert.deepEqual(
    result.rows.map((r) => [r.method, r.features, r.input_dims, r.dims]),
    [
      ["standard-scaler,logistic-regression(max_iter=1000)", "embeddings", 128, 128],
      ["k-neighbors(n_neighbors=3,metric=cosine)", "embeddings", 128, 128],
      ["pca(n_components=6,whiten=true),logistic-regression(max_iter=1000)", "pixels", 512, 6],
      ["lda", "pixels", 512, 2],
    ],
  );
  for (const r of result.rows) {
    // Three test videos: an accuracy is 0, 1/3, 2/3 or 1.
    assert.ok(
      [0, 1, 2, 3].some((k) => Math.abs(r.accuracy - k / 3) < 1e-12),
      `${r.method}: ${r.accuracy}`,
    );
    assert.ok(r.macro_f1 >= 0 && r.macro_f1 <= 1);
  }
  assert.equal(result.notes.length, 2);
  assert.match(result.notes[0], /random weights/);
  assert.match(result.notes[1], /MCG-NJU\/videomae-base-finetuned-kinetics/);
  assert.deepEqual(
    JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")),
    JSON.parse(JSON.stringify(result)),
  );
  assert.deepEqual(result.files, {
    results: join(outDir, "results.json"),
    store: join(outDir, "vidmae.db"),
    videos: join(outDir, "videos"),
    map: join(outDir, "map.txt"),
  });
  assert.equal(readFileSync(join(outDir, "map.txt"), "utf8"), "9 points\n");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].paths.length, 9);
  assert.deepEqual(calls[0].labels.slice(0, 4), ["bars-fast", "bars-fast", "bars-fast", "colour-flicker"]);
  assert.equal(messages.length, 3);
  // Each step in order, its counts increasing to its total (embedding reports 0 of 9 when it starts).
  const counts = (step: DemoStep, n: number, from = 1) =>
    Array.from({ length: n - from + 1 }, (_, i) => [step, from + i, n]);
  assert.deepEqual(steps, [
    ...counts("videos", 9),
    ...counts("embedding", 9, 0),
    ...counts("classifiers", 4),
  ]);
  assert.match(messages[0], /^model: .*random-videomae \(org|^model: .*random-videomae \(MCG-NJU/);

  // The store holds the embeddings, labelled by class folder, in the space the demo reports.
  const store = await SqliteStore.open(result.files.store);
  try {
    const data = await loadStoreData(store, calls[0].space);
    assert.equal(data.X.rows, 9);
    assert.equal(data.X.cols, 128);
    assert.deepEqual([...new Set(data.y)].sort(), result.classes);
  } finally {
    await store.close();
  }
});
