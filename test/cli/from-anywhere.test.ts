/**
 * Paths that work from anywhere: `embed` runs in one directory with relative arguments, and `similar`, `train`,
 * `predict`, `map` (with thumbnails) and `export` then run from another directory, reaching the store, the videos
 * and the model folder through the absolute real paths the store recorded.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { SqliteStore } from "../../src/store/sqlite.js";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { type CliResult, runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
/** Where `embed` runs: the model, the videos and the store, all named relative to it. */
let a: string;
/** Where every later command runs. */
let b: string;

/** Runs the CLI in process with `dir` as the working directory, restoring the old one after. */
async function runIn(dir: string, args: string[]): Promise<CliResult> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const result = await runCliInProcess(args, env);
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    return result;
  } finally {
    process.chdir(cwd);
  }
}

before(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), "vidmae-cli-anywhere-")));
  env = offlineEnv(tmp);
  a = join(tmp, "a");
  b = join(tmp, "b");
  await mkdir(b, { recursive: true });
  await writeTinyCheckpoint(join(a, "model"));
  for (const [dir, name, source] of [
    ["jump", "j1.mp4", "testsrc2"],
    ["jump", "j2.mp4", "mandelbrot"],
    ["spin", "s1.mp4", "smptebars"],
    ["spin", "s2.mp4", "rgbtestsrc"],
  ]) {
    await mkdir(join(a, "videos", dir), { recursive: true });
    await makeVideo(join(a, "videos", dir), { name, source, frames: 12, width: 40, height: 32 });
  }
  await runIn(a, ["embed", "videos", "--db", "e.db", "--model", "model", "--labels-from-dirs", "--json"]);
});
after(() => rm(tmp, { recursive: true, force: true }));

describe("commands from another directory than embed's", () => {
  test("the store records absolute real paths of the videos and the model folder", async () => {
    const store = await SqliteStore.open(join(a, "e.db"));
    try {
      const [space] = await store.listSpaces();
      assert.equal(space.model, join(a, "model"));
      const videos = await store.listVideos(space.id);
      assert.deepEqual(
        videos.map((v) => [v.path, v.label]),
        [
          [join(a, "videos", "jump", "j1.mp4"), "jump"],
          [join(a, "videos", "jump", "j2.mp4"), "jump"],
          [join(a, "videos", "spin", "s1.mp4"), "spin"],
          [join(a, "videos", "spin", "s2.mp4"), "spin"],
        ],
      );
      assert.ok(videos.every((v) => v.paths.every((p) => isAbsolute(p.path))));
    } finally {
      await store.close();
    }
  });

  test("similar embeds a query with the space's model folder", async () => {
    const { stdout } = await runIn(b, [
      "similar",
      "../a/videos/jump/j1.mp4",
      "--db",
      "../a/e.db",
      "--k",
      "2",
      "--json",
    ]);
    const hits = JSON.parse(stdout) as { path: string }[];
    assert.equal(hits.length, 2);
    assert.equal(hits[0].path, join(a, "videos", "jump", "j1.mp4"), "the query itself is nearest");
  });

  test("train, then predict stored vectors and a video file", async () => {
    await runIn(b, ["train", "--db", "../a/e.db", "--out", "clf.json"]);
    const stored = JSON.parse(
      (await runIn(b, ["predict", "--classifier", "clf.json", "--db", "../a/e.db", "--json"])).stdout,
    );
    assert.equal(stored.paths.length, 4);
    assert.ok(stored.paths.every((p: string) => p.startsWith(join(a, "videos"))));
    const file = JSON.parse(
      (await runIn(b, ["predict", "--classifier", "clf.json", "../a/videos/spin/s1.mp4", "--json"])).stdout,
    );
    assert.equal(file.predictions.length, 1);
  });

  test("map finds every video for its thumbnails; export writes absolute paths", async () => {
    await runIn(b, ["map", "--db", "../a/e.db", "--out", "map.html", "--method", "pca"]);
    const html = await readFile(join(b, "map.html"), "utf8");
    const data = JSON.parse(
      /<script type="application\/json" id="map-data">([^]*?)<\/script>/.exec(html)![1],
    );
    assert.equal(
      Object.values(data.thumbnails as Record<string, string>).filter((t) => t.startsWith("data:image/png"))
        .length,
      4,
    );

    await runIn(b, ["export", "--db", "../a/e.db", "--out", "out"]);
    const rows = (await readFile(join(b, "out", "index.csv"), "utf8")).trim().split("\n").slice(1);
    assert.deepEqual(
      rows.map((r) => r.split(",")[2]),
      ["jump/j1", "jump/j2", "spin/s1", "spin/s2"].map((v) => join(a, "videos", `${v}.mp4`)),
    );
  });
});

describe("a store written before paths were absolute", () => {
  test("is migrated on its first open from anywhere, naming what it cannot resolve once", async () => {
    // What the previous schema held after `embed` ran in a/ with relative arguments: no video_paths table,
    // paths and the model folder relative to a/ (one video since moved away).
    const old = join(a, "old.db");
    await copyFile(join(a, "e.db"), old);
    const db = new Database(old);
    db.exec(`DROP TABLE video_paths; DELETE FROM schema_migrations WHERE version > 1;
      UPDATE embedding_spaces SET model = 'model';
      UPDATE videos SET path = substr(path, ${a.length + 2});
      UPDATE videos SET path = 'gone/x.mp4' WHERE path = 'videos/spin/s2.mp4';`);
    db.close();

    const first = await runIn(b, ["export", "--db", "../a/old.db", "--out", "old"]);
    assert.equal(
      first.stderr,
      `vidmae: ../a/old.db: 1 relative path from an older vidmae was not found under ${a} and is kept as it was: gone/x.mp4\n`,
    );
    const rows = (await readFile(join(b, "old", "index.csv"), "utf8")).trim().split("\n").slice(1);
    assert.deepEqual(
      rows.map((r) => r.split(",")[2]),
      [...["jump/j1", "jump/j2", "spin/s1"].map((v) => join(a, "videos", `${v}.mp4`)), "gone/x.mp4"],
    );
    const again = await runIn(b, ["export", "--db", "../a/old.db", "--out", "old"]);
    assert.equal(again.stderr, "", "reported once");
    // The model folder was resolved too: a query video is embedded with it from b/.
    const { stdout } = await runIn(b, [
      "similar",
      "../a/videos/jump/j2.mp4",
      "--db",
      "../a/old.db",
      "--json",
    ]);
    assert.equal((JSON.parse(stdout) as { path: string }[])[0].path, join(a, "videos", "jump", "j2.mp4"));
  });
});
