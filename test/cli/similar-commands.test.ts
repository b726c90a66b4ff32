import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
let db: string;
let videos: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-similar-"));
  env = offlineEnv(tmp);
  const modelDir = join(tmp, "model");
  await writeTinyCheckpoint(modelDir);
  videos = join(tmp, "videos");
  await mkdir(videos);
  await makeVideo(videos, { name: "a.mp4", frames: 40, source: "testsrc2" });
  await makeVideo(videos, { name: "b.mp4", frames: 40, source: "mandelbrot" });
  await makeVideo(videos, { name: "c.webm", frames: 40, source: "smptebars" });
  // A re-encoded copy of a.mp4: a near-duplicate.
  await copyFile(join(videos, "a.mp4"), join(tmp, "a-copy.mp4"));
  await makeVideo(videos, { name: "a2.mkv", frames: 40, source: "testsrc2" });
  db = join(tmp, "v.db");
  const embed = await runCliInProcess(
    [
      "embed",
      videos,
      "--db",
      db,
      "--model",
      modelDir,
      "--sampling",
      "clips",
      "--clips",
      "3",
      "--frame-sample-rate",
      "2",
    ],
    env,
  );
  assert.equal(embed.code, 0, embed.stderr);
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("vidmae similar / duplicates / search-moments", () => {
  test("a stored video's neighbours, exact and approximate, exclude itself", async () => {
    const exact = await runCliInProcess(["similar", "--id", "1", "--db", db, "--k", "3", "--json"], env);
    assert.equal(exact.code, 0, exact.stderr);
    const hits = JSON.parse(exact.stdout);
    assert.equal(hits.length, 3);
    assert.ok(hits.every((h: { videoId: number }) => h.videoId !== 1));
    assert.ok(hits[0].distance <= hits[1].distance && hits[1].distance <= hits[2].distance);
    const approx = await runCliInProcess(
      ["similar", "--id", "1", "--db", db, "--k", "3", "--json", "--approximate"],
      env,
    );
    assert.equal(approx.code, 0, approx.stderr);
    assert.deepEqual(
      JSON.parse(approx.stdout).map((h: { videoId: number }) => h.videoId),
      hits.map((h: { videoId: number }) => h.videoId),
    );
    assert.ok(
      (await readdir(tmp)).some((f) => f.endsWith(".usearch")),
      "index saved beside the store",
    );
  });

  test("a new file is embedded in the space's settings; its identical stored twin comes first at distance ~0", async () => {
    const run = await runCliInProcess(
      ["similar", join(tmp, "a-copy.mp4"), "--db", db, "--level", "clip", "--k", "2", "--json"],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const hits = JSON.parse(run.stdout);
    assert.equal(hits[0].path, join(videos, "a.mp4"));
    assert.ok(hits[0].distance < 1e-4);
    assert.equal(typeof hits[0].startSec, "number");
  });

  test("duplicates groups identical videos; search-moments finds the query's own range first", async () => {
    const dup = await runCliInProcess(["duplicates", "--db", db, "--json"], env);
    assert.equal(dup.code, 0, dup.stderr);
    const groups = JSON.parse(dup.stdout);
    const withA = groups.find((g: { videos: { path: string }[] }) =>
      g.videos.some((v) => v.path.endsWith("a.mp4")),
    );
    assert.deepEqual(withA.videos.map((v: { path: string }) => v.path.split("/").at(-1)).sort(), [
      "a.mp4",
      "a2.mkv",
    ]);
    const moments = await runCliInProcess(
      ["search-moments", join(tmp, "a-copy.mp4"), "--db", db, "--json"],
      env,
    );
    assert.equal(moments.code, 0, moments.stderr);
    const first = JSON.parse(moments.stdout)[0];
    assert.ok(["a.mp4", "a2.mkv"].includes(first.path.split("/").at(-1)));
  });

  test("text output says which measure it prints, with column headers", async () => {
    const lines = async (args: string[]) => {
      const run = await runCliInProcess(args, env);
      assert.equal(run.code, 0, run.stderr);
      return run.stdout.trimEnd().split("\n");
    };
    const byId = ["similar", "--id", "1", "--db", db, "--k", "2"];
    const cosine = await lines(byId);
    assert.deepEqual(cosine.slice(0, 2), [
      "# cosine similarity (higher is closer)",
      "similarity  path  (label)",
    ]);
    assert.equal(cosine.length, 4);
    const hits = JSON.parse((await runCliInProcess([...byId, "--json"], env)).stdout);
    assert.equal(cosine[2], `${(1 - hits[0].distance).toFixed(4)}  ${hits[0].path}`);
    const l2 = await lines([...byId, "--metric", "l2"]);
    assert.deepEqual(l2.slice(0, 2), ["# L2 distance (lower is closer)", "distance  path  (label)"]);
    assert.match(l2[2], /^\d+\.\d{4}  \S/);
    const clips = await lines([...byId, "--level", "clip"]);
    assert.equal(clips[1], "similarity  path  [start–end]  (label)");
    assert.match(clips[2], /^-?\d\.\d{4}  \S+  \[\d+:\d{2}\.\d{2}–\d+:\d{2}\.\d{2}\]$/);

    const dup = await lines(["duplicates", "--db", db]);
    assert.deepEqual(dup.slice(0, 3), [
      "# videos linked by pairs within cosine distance 0.02; scores against the group's first video",
      "# cosine similarity (higher is closer)",
      "group  similarity  path  (label)",
    ]);
    assert.match(dup[3], /^1  1\.0000  \S/, "the first video against itself");
    assert.ok(
      dup.slice(3).every((l) => /^\d+  \d\.\d{4}  \S/.test(l)),
      dup.join("\n"),
    );

    const moments = await lines(["search-moments", join(tmp, "a-copy.mp4"), "--db", db, "--k", "2"]);
    assert.deepEqual(moments.slice(0, 2), [
      "# mean over aligned clips of cosine similarity (higher is closer)",
      "similarity  path  [start–end]",
    ]);
    assert.match(moments[2], /^\d\.\d{4}  \S+  \[\d+:\d{2}\.\d{2}–\d+:\d{2}\.\d{2}\]$/);
    const momentsL2 = await lines(["search-moments", join(tmp, "a-copy.mp4"), "--db", db, "--metric", "l2"]);
    assert.equal(momentsL2[0], "# mean over aligned clips of L2 distance (lower is closer)");
    assert.match(momentsL2[2], /^\d+\.\d{4}  /, "a distance, not minus one");
  });

  test("bad arguments", async () => {
    const both = await runCliInProcess(["similar", "x.mp4", "--id", "1", "--db", db], env);
    assert.equal(both.stderr, "vidmae: Give either a video file or --id, not both\n");
    const neither = await runCliInProcess(["similar", "--db", db], env);
    assert.equal(neither.code, 1);
    assert.equal(neither.stderr, "vidmae: Give a video file or --id\n");
    const k = await runCliInProcess(["similar", "--id", "1", "--db", db, "--k", "0"], env);
    assert.equal(
      k.stderr,
      'vidmae: Expected integer from 1 to 10000 for --k but received "0" of type string\n',
    );
    const missing = await runCliInProcess(["similar", "--id", "99", "--db", db], env);
    assert.equal(missing.stderr, "vidmae: Video 99 has no stored embedding in this space\n");
  });
});
