import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DEMO_CLASSES, makeDemoVideos } from "../../src/demo/videos.js";
import { VidmaeError } from "../../src/errors.js";
import { probeVideo } from "../../src/video/probe.js";
import { tempDir } from "../helpers/temp.js";

const hash = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("makeDemoVideos", () => {
  const dir = tempDir();

  test("makes distinct, labelled, 32-frame videos per class under <class>/", async () => {
    const videos = await makeDemoVideos(dir, { videosPerClass: 3, classes: ["bars-slow", "life"], seed: 1 });
    assert.deepEqual(
      videos.map((v) => [v.label, v.path]),
      [
        ["bars-slow", join(dir, "bars-slow", "bars-slow-s1-0.mp4")],
        ["bars-slow", join(dir, "bars-slow", "bars-slow-s1-1.mp4")],
        ["bars-slow", join(dir, "bars-slow", "bars-slow-s1-2.mp4")],
        ["life", join(dir, "life", "life-s1-0.mp4")],
        ["life", join(dir, "life", "life-s1-1.mp4")],
        ["life", join(dir, "life", "life-s1-2.mp4")],
      ],
    );
    assert.equal(new Set(videos.map((v) => hash(v.path))).size, 6, "no two videos are the same");
    const info = await probeVideo(videos[3].path);
    assert.equal(info.frameCount, 32);
    assert.ok(
      [64, 80, 96].includes(info.width) && [48, 64].includes(info.height),
      `${info.width}x${info.height}`,
    );
  });

  test("a rerun with the same seed keeps the files; every class can be made", async () => {
    const first = join(dir, "bars-slow", "bars-slow-s1-0.mp4");
    const before = statSync(first).mtimeMs;
    await makeDemoVideos(dir, { videosPerClass: 3, classes: ["bars-slow"], seed: 1 });
    assert.equal(statSync(first).mtimeMs, before);
    const all = await makeDemoVideos(join(dir, "all"), { videosPerClass: 3, seed: 2 });
    assert.deepEqual([...new Set(all.map((v) => v.label))], DEMO_CLASSES);
    assert.equal(all.length, 3 * DEMO_CLASSES.length);
  });

  test("onProgress counts every video ready, made or already there, up to the total", async () => {
    const calls: [number, number][] = [];
    await makeDemoVideos(dir, { videosPerClass: 3, classes: ["bars-slow"], seed: 1 }, (done, total) =>
      calls.push([done, total]),
    );
    assert.deepEqual(calls, [
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  test("rejects fewer than 3 videos per class and unknown classes", async () => {
    await assert.rejects(
      makeDemoVideos(dir, { videosPerClass: 2 }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.message === "Expected integer of at least 3 for videosPerClass but received 2 of type number",
    );
    await assert.rejects(
      // @ts-expect-error an unknown class, as untyped callers could pass
      makeDemoVideos(dir, { classes: ["noise"] }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.message ===
          `Expected any of: ${DEMO_CLASSES.join(", ")} for classes but received "noise" of type string`,
    );
  });
});
