/**
 * The same video bytes at two paths with two labels: the store keeps one label per content, so the run's summary
 * names both files and says which label won; nothing is dropped silently and the rest of the batch is embedded.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { embedCollection } from "../../src/embed/collection.js";
import { Embedder } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { makeVideo } from "../helpers/synthetic-videos.js";

let tmp: string;
let model: VideoMAE;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-label-conflicts-"));
  await writeTinyCheckpoint(join(tmp, "model"));
  model = await VideoMAE.fromDirectory(join(tmp, "model"), { cache: false });
});
after(async () => {
  await model.release();
  await rm(tmp, { recursive: true, force: true });
});

test("a video copied under two labels gets one warning line naming both files and the label that won", async () => {
  const videos = join(tmp, "videos");
  await mkdir(join(videos, "cat"), { recursive: true });
  await mkdir(join(videos, "dog"), { recursive: true });
  await makeVideo(join(videos, "cat"), { name: "x.mp4", frames: 8 });
  await copyFile(join(videos, "cat", "x.mp4"), join(videos, "dog", "x.mp4"));
  await makeVideo(join(videos, "dog"), { name: "other.mp4", frames: 8, source: "mandelbrot" });
  const store = await SqliteStore.open(join(tmp, "e.db"));
  try {
    const embedder = await Embedder.create(model, { sampling: { strategy: "uniform" } });
    const summary = await embedCollection(store, embedder, [videos], {
      modelName: "tiny",
      labels: { fromDirs: true },
    });
    const cat = join(videos, "cat", "x.mp4");
    const dog = join(videos, "dog", "x.mp4");
    assert.deepEqual(summary.warnings, [
      `${dog} has the same content as ${cat}: its label "dog" replaces "cat"`,
    ]);
    assert.equal(summary.failed, 0);
    const space = (await store.listSpaces())[0];
    const stored = await store.listVideos(space.id);
    assert.equal(stored.length, 2, "one video per content: the copy and the other video");
    assert.deepEqual(stored.map((v) => v.label).sort(), ["dog", "dog"]);
  } finally {
    await store.close();
  }
});
