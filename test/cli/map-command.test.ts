import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PNG } from "pngjs";
import { SavedModel } from "../../src/classify/model-file.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { EmbeddingSpaceSpec } from "../../src/space/spec.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { clusteredVectors } from "../map/helpers.js";
import { runCliInProcess } from "./helpers.js";

const SPEC: EmbeddingSpaceSpec = {
  model: "test/model",
  revision: null,
  weightsHash: "sha256:map-test",
  pooling: "mean",
  sampling: { method: "clips", numFrames: 4, frameSampleRate: 2, clips: 2, crops: 1 },
  precision: "fp32",
  dim: 8,
};
const VIDEOS = 12;

let tmp: string;
let db: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-map-"));
  db = join(tmp, "vidmae.db");
  await mkdir(join(tmp, "jump"));
  await mkdir(join(tmp, "spin"));
  const real = [
    await makeVideo(join(tmp, "jump"), { name: "j1.mp4", frames: 6 }),
    await makeVideo(join(tmp, "spin"), { name: "s1.webm", source: "smptebars", frames: 6 }),
  ];
  // Two clips per video: the clip vectors are the clusters' points, the video vector their mean.
  const clips = clusteredVectors({ n: VIDEOS * 2, dim: 8, classes: ["jump", "jump", "spin", "spin"] });
  const store = await SqliteStore.open(db);
  const space = await store.ensureSpace(SPEC);
  const videos = await store.upsertVideos(
    Array.from({ length: VIDEOS }, (_, i) => ({
      path: real[i] ?? join(tmp, `gone-${i}.mp4`),
      sizeBytes: 1,
      mtimeMs: 0,
      contentHash: `hash-${i}`,
      label: clips.rows[2 * i].label,
    })),
  );
  await store.saveEmbeddings(
    space.id,
    videos.map((video, i) => {
      const vector = (c: number) => clips.data.slice((2 * i + c) * 8, (2 * i + c + 1) * 8);
      const videoVector = vector(0).map((v, j) => (v + vector(1)[j]) / 2);
      return {
        videoId: video.id,
        clips: [0, 1].map((c) => ({
          clipIndex: c,
          crop: 0,
          frameIndices: [c],
          startSec: c,
          endSec: c + 1,
          vector: vector(c),
        })),
        videoVector,
        tooShort: false,
      };
    }),
  );
  const loaded = await store.loadVectors(space.id, { level: "video" });
  await SavedModel.fit(
    {
      X: { data: loaded.data, rows: VIDEOS, cols: 8 },
      y: loaded.rows.map((_, i) => (i < 6 ? "early" : "late")),
      space: SPEC,
    },
    "standard-scaler,logistic-regression",
  ).save(join(tmp, "model.json"));
  await store.close();
});
after(() => rm(tmp, { recursive: true, force: true }));

function mapData(html: string): { points: { label: string }[]; thumbnails: Record<string, string> } {
  return JSON.parse(/<script type="application\/json" id="map-data">([^]*?)<\/script>/.exec(html)![1]);
}

describe("vidmae map", () => {
  test("writes a self-contained HTML page with thumbnails of the readable videos", async () => {
    const out = join(tmp, "map.html");
    const run = await runCliInProcess(["map", "--db", db, "--method", "tsne", "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${out}: html map of ${VIDEOS} videos (tsne)\n`);
    const html = await readFile(out, "utf8");
    assert.doesNotMatch(html, /https?:\/\//);
    const data = mapData(html);
    assert.equal(data.points.length, VIDEOS);
    assert.deepEqual(Object.keys(data.thumbnails).sort(), ["1", "2"]);
    assert.deepEqual([...new Set(data.points.map((p) => p.label))].sort(), ["jump", "spin"]);
  });

  test("--no-thumbnails leaves them out", async () => {
    const out = join(tmp, "bare.html");
    const run = await runCliInProcess(["map", "--db", db, "--out", out, "--no-thumbnails"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(mapData(await readFile(out, "utf8")).thumbnails, {});
  });

  test("an SVG of the clips: one circle per clip; the same seed gives the same file", async () => {
    const args = ["map", "--db", db, "--level", "clip", "--method", "umap", "--seed", "5"];
    const a = await runCliInProcess([...args, "--out", join(tmp, "a.svg")]);
    const b = await runCliInProcess([...args, "--out", join(tmp, "b.svg")]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const svg = await readFile(join(tmp, "a.svg"), "utf8");
    assert.equal(svg.match(/<circle /g)!.length, VIDEOS * 2);
    assert.equal(svg, await readFile(join(tmp, "b.svg"), "utf8"));
  });

  test("a PNG of the requested size, coloured by a trained model's predictions", async () => {
    const out = join(tmp, "map.png");
    const run = await runCliInProcess([
      "map",
      "--db",
      db,
      "--method",
      "lda",
      "--color",
      "predicted",
      "--classifier",
      join(tmp, "model.json"),
      "--out",
      out,
      "--width",
      "480",
      "--height",
      "320",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const png = PNG.sync.read(await readFile(out));
    assert.deepEqual([png.width, png.height], [480, 320]);
    const svg = join(tmp, "predicted.svg");
    const again = await runCliInProcess([
      "map",
      "--db",
      db,
      "--color",
      "predicted",
      "--classifier",
      join(tmp, "model.json"),
      "--out",
      svg,
    ]);
    assert.equal(again.code, 0, again.stderr);
    const text = await readFile(svg, "utf8");
    assert.ok(
      text.includes(">Predicted class</text>") &&
        text.includes(">early</text>") &&
        text.includes(">late</text>"),
    );
  });

  test("bad requests fail with one line", async () => {
    const cases: [string[], string][] = [
      [
        ["--out", join(tmp, "m.html"), "--color", "predicted"],
        "vidmae: Expected a model file when --color is predicted for --classifier but received undefined\n",
      ],
      [
        ["--out", join(tmp, "m.jpg")],
        `vidmae: Expected a file name ending in .html, .svg or .png for out but received "${join(tmp, "m.jpg")}" of type string\n`,
      ],
      [
        ["--out", join(tmp, "m.svg"), "--method", "mds"],
        'vidmae: Expected one of: pca, lda, tsne, umap for --method but received "mds" of type string\n',
      ],
      [
        ["--out", join(tmp, "m.svg"), "--seed", "-2"],
        'vidmae: Expected integer from 0 to 4294967295 for --seed but received "-2" of type string\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const run = await runCliInProcess(["map", "--db", db, ...args]);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, stderr);
    }
  });
});
