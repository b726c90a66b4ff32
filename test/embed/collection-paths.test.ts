/**
 * One video, many paths: the same bytes under a second path add that path (with its label) to the stored video
 * without embedding it again; a path whose file now holds other content moves to that content; a video whose
 * paths disagree on the label uses the label given last, and `train` says so in one line.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { embedCollection } from "../../src/embed/collection.js";
import { Embedder } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { labelConflicts, labelConflictsLine } from "../../src/store/labels.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { VideoRecord } from "../../src/store/types.js";
import { runCliInProcess } from "../cli/helpers.js";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { makeVideo } from "../helpers/synthetic-videos.js";

let tmp: string;
let model: VideoMAE;
before(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), "vidmae-collection-paths-")));
  await writeTinyCheckpoint(join(tmp, "model"));
  model = await VideoMAE.fromDirectory(join(tmp, "model"), { cache: false });
});
after(async () => {
  await model.release();
  await rm(tmp, { recursive: true, force: true });
});

const pathsOf = (v: VideoRecord | null) => v?.paths.map((p) => [p.path, p.label]);

describe("embedCollection with the same content at many paths", () => {
  test("adds each path with its label, embeds the content once, and moves a path to new content", async () => {
    const videos = join(tmp, "videos");
    for (const dir of ["cat", "dog", "more"]) await mkdir(join(videos, dir), { recursive: true });
    const cat = join(videos, "cat", "x.mp4");
    const dog = join(videos, "dog", "x.mp4");
    await makeVideo(join(videos, "cat"), { name: "x.mp4", frames: 8 });
    await copyFile(cat, dog);
    await makeVideo(join(videos, "cat"), { name: "y.mp4", frames: 8, source: "mandelbrot" });
    const store = await SqliteStore.open(join(tmp, "e.db"));
    try {
      const embedder = await Embedder.create(model, { sampling: { strategy: "uniform" } });
      const first = await embedCollection(store, embedder, [videos], {
        modelName: "tiny",
        labels: { fromDirs: true },
      });
      assert.deepEqual(
        [first.total, first.done, first.skipped],
        [3, 2, 1],
        "x.mp4's bytes are embedded once",
      );
      const x = await store.findVideoByPath(cat);
      assert.deepEqual([x?.path, x?.label], [dog, "dog"], "the path and label given last");
      assert.deepEqual(pathsOf(x), [
        [dog, "dog"],
        [cat, "cat"],
      ]);

      // A third copy later: its path joins the video, nothing is embedded again, no label is lost.
      const more = join(videos, "more", "x.mp4");
      await copyFile(cat, more);
      const second = await embedCollection(store, embedder, [more], { modelName: "tiny" });
      assert.deepEqual([second.done, second.skipped], [0, 1]);
      assert.deepEqual(pathsOf(await store.findVideoByPath(more)), [
        [more, "dog"],
        [dog, "dog"],
        [cat, "cat"],
      ]);
      const [space] = await store.listSpaces();
      assert.deepEqual(labelConflicts(await store.listVideos(space.id)), [
        { videoId: x!.id, path: more, label: "dog", others: ["cat"] },
      ]);

      // cat/x.mp4 now holds other bytes: the path goes to the new content, the old video keeps the rest.
      await copyFile(join(videos, "cat", "y.mp4"), cat);
      const third = await embedCollection(store, embedder, [cat], {
        modelName: "tiny",
        labels: { fromDirs: true },
      });
      assert.deepEqual([third.done, third.skipped], [0, 1], "y.mp4's content is stored already");
      assert.deepEqual(pathsOf(await store.getVideo(x!.id)), [
        [more, "dog"],
        [dog, "dog"],
      ]);
      assert.deepEqual(pathsOf(await store.findVideoByPath(cat)), [
        [cat, "cat"],
        [join(videos, "cat", "y.mp4"), "cat"],
      ]);
    } finally {
      await store.close();
    }
  });

  test("train names the videos whose paths disagree on the label, in one line", async () => {
    const videos = join(tmp, "train");
    for (const dir of ["cat", "dog"]) await mkdir(join(videos, dir), { recursive: true });
    await makeVideo(join(videos, "cat"), { name: "a.mp4", frames: 8 });
    await makeVideo(join(videos, "cat"), { name: "b.mp4", frames: 8, source: "smptebars" });
    await makeVideo(join(videos, "dog"), { name: "c.mp4", frames: 8, source: "mandelbrot" });
    await makeVideo(join(videos, "dog"), { name: "d.mp4", frames: 8, source: "rgbtestsrc" });
    await copyFile(join(videos, "cat", "a.mp4"), join(videos, "dog", "a.mp4"));
    const db = join(tmp, "train.db");
    const env = offlineEnv(tmp);
    const embed = await runCliInProcess(
      ["embed", videos, "--db", db, "--model", join(tmp, "model"), "--labels-from-dirs", "--json"],
      env,
    );
    assert.equal(embed.code, 0, embed.stderr);
    const train = await runCliInProcess(["train", "--db", db, "--out", join(tmp, "clf.json")], env);
    assert.equal(train.code, 0, train.stderr);
    const lines = train.stderr.split("\n").filter((l) => l.includes("different labels"));
    assert.deepEqual(lines, [
      `vidmae: warning: 1 video has paths with different labels and uses the label given last: ${join(videos, "dog", "a.mp4")} "dog" (also "cat")`,
    ]);
  });
});

describe("labelConflictsLine", () => {
  test("names the first three videos and counts the rest", () => {
    const conflict = (n: number) => ({ videoId: n, path: `/v/${n}.mp4`, label: "a", others: ["b", "c"] });
    assert.equal(labelConflictsLine([]), null);
    assert.equal(
      labelConflictsLine([1, 2, 3, 4, 5].map(conflict)),
      '5 videos have paths with different labels and use the label given last: /v/1.mp4 "a" (also "b", "c"); /v/2.mp4 "a" (also "b", "c"); /v/3.mp4 "a" (also "b", "c") and 2 more',
    );
  });
});
