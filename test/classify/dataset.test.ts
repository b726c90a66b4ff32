import assert from "node:assert/strict";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  embedVideoFeatures,
  loadArrayData,
  loadLabelledData,
  loadStoreData,
  loadStoreFeatures,
  readLabelsFile,
} from "../../src/classify/dataset.js";
import { writeNpy } from "../../src/io/npy.js";
import { Embedder } from "../../src/embed/embedder.js";
import { embedderForSpace, spaceSpecFor } from "../../src/embed/space.js";
import { VidmaeError } from "../../src/errors.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { EmbeddingSpace } from "../../src/space/spec.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { SPEC, embeddings, tempDir, videoFile } from "../store/helpers.js";

/** Asserts a rejection (or throw) with this code and exact message. */
async function rejectsExactly(fn: () => unknown, code: string, message: string): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof VidmaeError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.message, message);
      return true;
    },
  );
}

const dir = tempDir();

describe("labels and arrays from files", () => {
  test("readLabelsFile reads one label per line, with or without a final newline or CR", () => {
    writeFileSync(join(dir, "a.txt"), "cat\ndog\r\n cat \n");
    assert.deepEqual(readLabelsFile(join(dir, "a.txt")), ["cat", "dog", "cat"]);
    writeFileSync(join(dir, "b.txt"), "cat\ndog");
    assert.deepEqual(readLabelsFile(join(dir, "b.txt")), ["cat", "dog"]);
  });

  test("readLabelsFile names an empty line and an unreadable file", async () => {
    writeFileSync(join(dir, "c.txt"), "cat\n\ndog\n");
    await rejectsExactly(
      () => readLabelsFile(join(dir, "c.txt")),
      "E_DATA",
      `${join(dir, "c.txt")}: line 2 is empty; expected one label per line`,
    );
    await assert.rejects(async () => readLabelsFile(join(dir, "none.txt")), { code: "E_IO" });
  });

  test("loadArrayData pairs X.npy rows with labels and checks the counts", async () => {
    writeNpy(join(dir, "X.npy"), { shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    writeFileSync(join(dir, "y3.txt"), "a\nb\na\n");
    const data = loadArrayData(join(dir, "X.npy"), join(dir, "y3.txt"));
    assert.deepEqual(data.y, ["a", "b", "a"]);
    assert.deepEqual([data.X.rows, data.X.cols], [3, 2]);
    assert.equal(data.space, null);
    assert.equal(data.paths, null);
    writeFileSync(join(dir, "y2.txt"), "a\nb\n");
    await rejectsExactly(
      () => loadArrayData(join(dir, "X.npy"), join(dir, "y2.txt")),
      "E_DATA",
      `${join(dir, "X.npy")} has 3 rows but ${join(dir, "y2.txt")} has 2 labels`,
    );
    writeNpy(join(dir, "v.npy"), { shape: [3], data: new Float32Array(3) });
    await rejectsExactly(
      () => loadArrayData(join(dir, "v.npy"), join(dir, "y3.txt")),
      "E_SHAPE",
      "Expected a 2-D float array but received shape (3) of dtype '<f4'",
    );
  });
});

describe("vectors from a store", () => {
  const db = join(dir, "store.db");
  let store: SqliteStore;
  let space: EmbeddingSpace;
  before(async () => {
    store = await SqliteStore.open(db);
    space = await store.ensureSpace(SPEC);
    const labels = ["run", null, "jump", "run"];
    const videos = await store.upsertVideos(labels.map((label, n) => videoFile(n, { label })));
    await store.saveEmbeddings(
      space.id,
      videos.map((v) => embeddings(v.id, SPEC.dim)),
    );
  });
  after(() => store.close());

  test("loadStoreData keeps labelled videos and counts the others", async () => {
    const data = await loadStoreData(store, space);
    assert.deepEqual(data.y, ["run", "jump", "run"]);
    assert.deepEqual(data.paths, ["videos/0.mp4", "videos/2.mp4", "videos/3.mp4"]);
    assert.equal(data.skipped, 1);
    assert.equal(data.space, space);
    const { data: all } = await store.loadVectors(space.id, { level: "video" });
    assert.deepEqual(
      Array.from(data.X.data.subarray(4, 8)),
      Array.from(all.subarray(8, 12)),
      "row 1 is video 2",
    );
  });

  test("loadLabelledData opens the store and picks its only space", async () => {
    const data = await loadLabelledData({ db });
    assert.equal(data.y.length, 3);
    assert.equal(data.space?.key, space.key);
  });

  test("a space without labels is an error that says how to add them", async () => {
    const other = await store.ensureSpace({ ...SPEC, pooling: "head" });
    const [video] = await store.upsertVideos([videoFile(9, { label: null })]);
    await store.saveEmbeddings(other.id, [embeddings(video.id, SPEC.dim)]);
    await rejectsExactly(
      () => loadStoreData(store, other),
      "E_DATA",
      `None of the 1 embedded videos of space ${other.id} has a label; embed with --labels-from-dirs or --labels`,
    );
  });

  test("loadStoreFeatures takes every vector, or the named videos in the order given", async () => {
    const everything = await loadStoreFeatures(store, space);
    assert.equal(everything.X.rows, 4);
    const some = await loadStoreFeatures(store, space, [resolve("videos/3.mp4"), "videos/1.mp4"]);
    assert.deepEqual(some.paths, ["videos/3.mp4", "videos/1.mp4"]);
    assert.deepEqual(Array.from(some.X.data.subarray(0, 4)), Array.from(everything.X.data.subarray(12, 16)));
    await rejectsExactly(
      () => loadStoreFeatures(store, space, ["videos/1.mp4", "videos/7.mp4"]),
      "E_DATA",
      `Not embedded in space ${space.id}: videos/7.mp4 (run vidmae embed on them first)`,
    );
  });
});

describe("video files embedded in a recorded space", () => {
  let model: VideoMAE;
  let videos: string[];
  before(async () => {
    const modelDir = join(dir, "model");
    await writeTinyCheckpoint(modelDir);
    model = await VideoMAE.fromDirectory(modelDir, { cacheDir: join(dir, "cache") });
    videos = [
      await makeVideo(dir, { name: "a.mp4", frames: 12 }),
      await makeBadInput(dir, "text"),
      await makeVideo(dir, { name: "b.webm", source: "mandelbrot", frames: 12 }),
    ];
  });
  after(() => model.release());

  test("the rebuilt embedder gives the vectors the original embedder gave", async () => {
    const original = await Embedder.create(model, {
      sampling: { strategy: "clips", clips: 2, frameSampleRate: 2 },
      pooling: "mean",
    });
    const spec = await spaceSpecFor(original, "tiny");
    const rebuilt = await embedderForSpace(model, spec);
    assert.deepEqual(rebuilt.spec, original.spec);
    const { X, paths, failures } = await embedVideoFeatures(rebuilt, videos);
    assert.deepEqual(paths, [videos[0], videos[2]], "input order, the bad file left out");
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /not-a-video\.avi/);
    const expected = (await original.embedVideo(videos[2])).vector;
    assert.deepEqual(Array.from(X.data.subarray(X.cols)), Array.from(expected));
  });

  test("other weights are refused, naming both hashes", async () => {
    const spec = await spaceSpecFor(await Embedder.create(model), "tiny");
    const hash = await model.contentHash();
    await rejectsExactly(
      () => embedderForSpace(model, { ...spec, weightsHash: "sha256:other" }),
      "E_DATA",
      `tiny (${model.dir}) has weights ${hash}, but the embedding space was made with weights sha256:other; ` +
        "use the exact checkpoint the space was embedded with",
    );
  });
});
