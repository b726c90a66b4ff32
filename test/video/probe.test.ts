import assert from "node:assert/strict";
import { copyFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { VidmaeError, type ErrorCode } from "../../src/errors.js";
import { decodeAllFrames } from "../../src/video/decode.js";
import { DEFAULT_MAX_PIXELS, assertFrameSize, probeVideo, type VideoInfo } from "../../src/video/probe.js";
import { makeTestSet, removeTestSet, type TestSet } from "../helpers/synthetic-videos.js";

let set: TestSet;
before(async () => {
  set = await makeTestSet();
});
after(() => removeTestSet(set));

/** Probes each path once (one ffprobe run each). */
const probed = new Map<string, Promise<VideoInfo>>();
function probe(path: string): Promise<VideoInfo> {
  if (!probed.has(path)) probed.set(path, probeVideo(path));
  return probed.get(path)!;
}

async function assertProbeFails(path: string, code: ErrorCode, message: string): Promise<void> {
  await assert.rejects(probeVideo(path), (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe("probeVideo", () => {
  it("reads the metadata of an H.264 MP4", async () => {
    const { frameIndex, ...info } = await probe(set.h264);
    assert.equal(info.path, set.h264);
    assert.ok(info.sizeBytes > 0);
    assert.deepEqual(
      { ...info, path: undefined, sizeBytes: undefined, timeBase: undefined },
      {
        path: undefined,
        sizeBytes: undefined,
        timeBase: undefined,
        container: "mov,mp4,m4a,3gp,3g2,mj2",
        durationSec: 1.2,
        fps: 25,
        frameCount: 30,
        width: 64,
        height: 48,
        codec: "h264",
        rotation: 0,
        pixFmt: "yuv420p",
        hasAudio: false,
        streamIndex: 0,
      },
    );
    assert.equal(frameIndex!.framePts.length, 30);
    assert.equal(frameIndex!.keyframePts.length, 3); // keyframe every 10
    // 25 fps in the stream's time base: every frame one tick of 1/25 s apart.
    const tick = info.timeBase.den / (25 * info.timeBase.num);
    assert.deepEqual(
      frameIndex!.framePts,
      Array.from({ length: 30 }, (_, i) => frameIndex!.framePts[0] + i * tick),
    );
  });

  it("reports codec, rate and audio of the other kinds", async () => {
    const summary = async (path: string) => {
      const i = await probe(path);
      return [i.codec, i.fps, i.frameCount, i.hasAudio, i.container];
    };
    assert.deepEqual(await summary(set.mpeg4), ["mpeg4", 30, 30, false, "avi"]);
    assert.deepEqual(await summary(set.vp9), ["vp9", 24, 24, false, "matroska,webm"]);
    assert.deepEqual(await summary(set.vp8), ["vp8", 10, 20, false, "matroska,webm"]);
    assert.deepEqual(await summary(set.mjpeg), ["mjpeg", 15, 15, false, "matroska,webm"]);
    assert.deepEqual(await summary(set.withAudio), ["h264", 25, 25, true, "mov,mp4,m4a,3gp,3g2,mj2"]);
  });

  it("reports the size after rotation, and the rotation", async () => {
    const info = await probe(set.rotated);
    assert.deepEqual([info.width, info.height, info.rotation], [48, 64, 90]);
  });

  it("counts exactly the frames a full decode yields: CFR, VFR, rotated, edit list, every codec", async () => {
    for (const path of [
      set.h264,
      set.mpeg4,
      set.vp9,
      set.vp8,
      set.mjpeg,
      set.rotated,
      set.vfr,
      set.vfrMkv,
      set.editList,
    ]) {
      const info = await probe(path);
      const all = await decodeAllFrames(info);
      assert.equal(info.frameCount, all.count, path);
    }
  });

  it("does not trust the MP4 sample count when an edit list hides frames", async () => {
    const info = await probe(set.editList);
    assert.equal(info.frameCount, 37); // the container says 40
  });

  it("keeps VFR timestamps as stored: intervals grow instead of being evened out", async () => {
    for (const path of [set.vfr, set.vfrMkv]) {
      const { framePts } = (await probe(path)).frameIndex!;
      const steps = framePts.slice(1).map((p, i) => p - framePts[i]);
      assert.ok(steps.at(-1)! > 1.5 * steps[0], `${path}: ${steps.join(",")}`);
    }
  });

  it("has no frame index when timestamps are missing (B-frames in AVI)", async () => {
    assert.equal((await probe(set.mpeg4)).frameIndex, null);
  });

  it("names the file and the reason for each bad input", async () => {
    const { bad } = set;
    await assertProbeFails(bad.empty, "E_VIDEO", `${bad.empty}: empty file (0 bytes)`);
    await assertProbeFails(
      bad["truncated-mp4"],
      "E_VIDEO",
      `${bad["truncated-mp4"]}: truncated or not an MP4/MOV file (FFmpeg: moov atom not found)`,
    );
    await assertProbeFails(
      bad["truncated-mkv"],
      "E_VIDEO",
      `${bad["truncated-mkv"]}: truncated file (FFmpeg: File ended prematurely)`,
    );
    await assertProbeFails(
      bad.text,
      "E_VIDEO",
      `${bad.text}: not a readable media file (FFmpeg: Invalid data found when processing input)`,
    );
    await assertProbeFails(
      bad["audio-only"],
      "E_VIDEO",
      `${bad["audio-only"]}: no video stream (found: audio)`,
    );
    await assertProbeFails(
      bad["unsupported-codec"],
      "E_VIDEO",
      `${bad["unsupported-codec"]}: unsupported video codec (FourCC ZQZQ)`,
    );
    await assertProbeFails(
      bad["huge-dimensions"],
      "E_VIDEO",
      `${bad["huge-dimensions"]}: frame size 16000x12000 exceeds the limit of ${DEFAULT_MAX_PIXELS} pixels (maxPixels)`,
    );
  });

  it("raises E_IO for a missing file, E_VIDEO for a directory", async () => {
    const missing = `${set.dir}/nope.mp4`;
    await assertProbeFails(missing, "E_IO", `${missing}: cannot read file (no such file)`);
    await assertProbeFails(set.dir, "E_VIDEO", `${set.dir}: not a regular file (directory)`);
  });

  it("reads relative names FFmpeg would take for an option or a protocol", async () => {
    const cwd = process.cwd();
    process.chdir(set.dir);
    try {
      for (const name of ["-odd.mp4", "odd:name.mp4"]) {
        await copyFile(set.h264, name);
        assert.equal((await probeVideo(name)).frameCount, 30, name);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it("applies a smaller maxPixels", async () => {
    await assert.rejects(probeVideo(set.h264, { maxPixels: 1000 }), {
      message: `${set.h264}: frame size 64x48 exceeds the limit of 1000 pixels (maxPixels)`,
    });
  });
});

describe("assertFrameSize", () => {
  it("accepts up to the limit", () => {
    assertFrameSize("a.mp4", 8192, 4320, DEFAULT_MAX_PIXELS);
    assert.throws(() => assertFrameSize("a.mp4", 8193, 4320, DEFAULT_MAX_PIXELS), { code: "E_VIDEO" });
  });
});
