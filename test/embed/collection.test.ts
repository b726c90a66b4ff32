import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type EmbedEvent, embedCollection, hashFile } from "../../src/embed/collection.js";
import { Embedder } from "../../src/embed/embedder.js";
import { readLabelsCsv } from "../../src/embed/labels.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { fifoHasReader, makeSpecialFiles } from "../video/special-files.js";

let tmp: string;
let model: VideoMAE;
let videos: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-collection-"));
  await writeTinyCheckpoint(join(tmp, "model"));
  model = await VideoMAE.fromDirectory(join(tmp, "model"), { cache: false });
  videos = join(tmp, "videos");
  await mkdir(join(videos, "dogs"), { recursive: true });
  await mkdir(join(videos, "cats"), { recursive: true });
  await makeVideo(join(videos, "dogs"), { name: "d1.mp4", frames: 12 });
  await makeVideo(join(videos, "dogs"), { name: "d2.webm", frames: 10, source: "mandelbrot" });
  await makeVideo(join(videos, "cats"), { name: "c1.mp4", frames: 2, source: "smptebars" });
  await makeBadInput(join(videos, "cats"), "empty");
});
after(async () => {
  await model.release();
  await rm(tmp, { recursive: true, force: true });
});

describe("embedCollection", () => {
  test("stores every good video once, records failures, and resumes without recomputing", async () => {
    const db = join(tmp, "a.db");
    const store = await SqliteStore.open(db);
    const embedder = await Embedder.create(model, {
      sampling: { strategy: "clips", clips: 2, frameSampleRate: 2 },
      batch: 2,
    });
    const events: EmbedEvent[] = [];
    const first = await embedCollection(store, embedder, [videos], {
      modelName: "tiny",
      labels: { fromDirs: true },
      onEvent: (e) => events.push(e),
    });
    assert.deepEqual(
      [first.total, first.done, first.skipped, first.failed, first.failedBefore],
      [4, 3, 0, 1, 0],
    );
    assert.equal(first.failures[0].code, "E_VIDEO");
    assert.match(first.failures[0].message, /empty\.mp4: empty file \(0 bytes\)$/);
    assert.equal(events[0].type, "start");
    assert.equal(events.at(-1)!.type, "end");

    const [space] = await store.listSpaces();
    assert.deepEqual(space.sampling, {
      method: "clips",
      numFrames: 4,
      frameSampleRate: 2,
      clips: 2,
      crops: 1,
    });
    assert.equal(space.pooling, "mean");
    assert.equal(space.dim, 16);
    const counts = await store.counts(space.id);
    assert.deepEqual([counts.ok, counts.failed], [3, 1]);
    const vectors = await store.loadVectors(space.id, { level: "video" });
    assert.deepEqual(vectors.rows.map((r) => r.label).sort(), ["cats", "dogs", "dogs"]);
    // c1 has 2 frames: shorter than the 7-frame window, so one uniform clip and tooShort.
    const c1 = vectors.rows.find((r) => r.path.endsWith("c1.mp4"))!;
    assert.equal((await store.status(space.id, c1.videoId))!.tooShort, true);
    assert.equal((await store.getClips(space.id, c1.videoId)).length, 1);

    // A rerun skips what is stored; a renamed file is recognised by its content.
    await rename(join(videos, "dogs", "d1.mp4"), join(videos, "dogs", "renamed.mp4"));
    const second = await embedCollection(store, embedder, [videos], { modelName: "tiny" });
    assert.deepEqual([second.done, second.skipped, second.failed, second.failedBefore], [0, 3, 0, 1]);

    // --retry-failed tries the failure again; a fixed file then succeeds.
    await copyFile(join(videos, "cats", "c1.mp4"), join(videos, "cats", "empty.mp4"));
    const third = await embedCollection(store, embedder, [videos], { modelName: "tiny", retryFailed: true });
    assert.deepEqual([third.done, third.skipped, third.failed], [0, 4, 0]); // same content as c1: already stored
    await store.close();
  });

  test("another sampling is another space; vectors never mix", async () => {
    const store = await SqliteStore.open(join(tmp, "b.db"));
    for (const crops of [1, 3] as const) {
      const embedder = await Embedder.create(model, { crops });
      await embedCollection(store, embedder, [join(videos, "dogs")], { modelName: "tiny" });
    }
    const spaces = await store.listSpaces();
    assert.equal(spaces.length, 2);
    for (const s of spaces) assert.equal((await store.counts(s.id)).ok, 2);
    const clips3 = await store.loadVectors(spaces[1].id, { level: "clip" });
    assert.equal(clips3.rows.length, 6); // 2 videos x 1 clip x 3 crops
    await store.close();
  });

  test("a missing, dangling or special input is a failure of its own; the rest of the batch is embedded", async () => {
    const hostile = join(tmp, "hostile");
    await mkdir(hostile);
    const special = await makeSpecialFiles(hostile);
    const store = await SqliteStore.open(join(tmp, "c.db"));
    try {
      const embedder = await Embedder.create(model);
      const d2 = join(videos, "dogs", "d2.webm");
      const c1 = join(videos, "cats", "c1.mp4");
      const missing = join(tmp, "missing.mp4");
      const inputs = [d2, missing, special.fifo, special.fifoLink, special.dangling, "/dev/zero", c1];
      const t0 = performance.now();
      const summary = await embedCollection(store, embedder, inputs, { modelName: "tiny" });
      assert.ok(performance.now() - t0 < 30_000);
      assert.deepEqual([summary.total, summary.done, summary.failed], [7, 2, 5]);
      assert.deepEqual(
        summary.failures.map((f) => [f.code, f.message]),
        [
          ["E_VIDEO", "/dev/zero: not a regular file (character device)"],
          ["E_IO", `${special.dangling}: cannot read file (dangling symlink)`],
          ["E_VIDEO", `${special.fifoLink}: not a regular file (FIFO)`],
          ["E_VIDEO", `${special.fifo}: not a regular file (FIFO)`],
          ["E_IO", `${missing}: cannot read file (no such file)`],
        ],
      );
      // Nothing of the refused inputs reaches the store.
      const [space] = await store.listSpaces();
      assert.deepEqual(
        (await store.loadVectors(space.id, { level: "video" })).rows.map((r) => r.path).sort(),
        [c1, d2],
      );
      assert.equal(await fifoHasReader(special.fifo), false);
    } finally {
      await store.close();
      await special.close();
    }
  });

  test("hashFile reads only regular files", async () => {
    const t0 = performance.now();
    await assert.rejects(hashFile("/dev/zero"), {
      code: "E_VIDEO",
      message: "/dev/zero: not a regular file (character device)",
    });
    assert.ok(performance.now() - t0 < 1000);
  });

  test("labels from a CSV file", async () => {
    const csv = join(tmp, "labels.csv");
    await writeFile(csv, 'path,label\nvideos/dogs/d2.webm,"a dog, running"\n');
    const labels = await readLabelsCsv(csv);
    assert.deepEqual([...labels], [[join(videos, "dogs", "d2.webm"), "a dog, running"]]);
    await writeFile(csv, "a.mp4,x,y\n");
    await assert.rejects(readLabelsCsv(csv), {
      code: "E_DATA",
      message: `${csv}: line 1: expected two fields path,label but found 3`,
    });
  });
});
