import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { VidmaeError } from "../../src/errors.js";
import { decodeAllFrames, decodeFrames, type DecodedFrames } from "../../src/video/decode.js";
import { planDecode } from "../../src/video/decode-plan.js";
import { probeVideo, type VideoInfo } from "../../src/video/probe.js";
import { uniformIndices } from "../../src/video/sampling.js";
import { makeTestSet, removeTestSet, type TestSet } from "../helpers/synthetic-videos.js";

let set: TestSet;
before(async () => {
  set = await makeTestSet();
});
after(() => removeTestSet(set));

/** Probe and full decode of each path, once: the reference every selective decode is compared with. */
const references = new Map<string, Promise<{ info: VideoInfo; all: DecodedFrames }>>();
function reference(path: string): Promise<{ info: VideoInfo; all: DecodedFrames }> {
  if (!references.has(path)) {
    references.set(
      path,
      probeVideo(path).then(async (info) => ({ info, all: await decodeAllFrames(info) })),
    );
  }
  return references.get(path)!;
}

/** Asserts that `got` holds, in order, the frames of the full decode at `indices`, byte for byte. */
function assertFramesEqual(
  got: DecodedFrames,
  all: DecodedFrames,
  indices: readonly number[],
  label: string,
): void {
  const bytes = all.width * all.height * 3;
  assert.deepEqual([got.count, got.width, got.height], [indices.length, all.width, all.height], label);
  indices.forEach((frame, k) => {
    const a = Buffer.from(got.frames.buffer, got.frames.byteOffset + k * bytes, bytes);
    const b = Buffer.from(all.frames.buffer, all.frames.byteOffset + frame * bytes, bytes);
    assert.ok(a.equals(b), `${label}: slot ${k} differs from frame ${frame}`);
  });
}

describe("decodeFrames", () => {
  it("returns exactly the full decode's frames at the indices, for every codec, VFR and rotation", async () => {
    const videos = [
      set.h264,
      set.mpeg4,
      set.vp9,
      set.vp8,
      set.mjpeg,
      set.rotated,
      set.vfr,
      set.vfrMkv,
      set.editList,
    ];
    for (const path of videos) {
      const { info, all } = await reference(path);
      const L = info.frameCount;
      for (const indices of [uniformIndices(L, 16), [L - 1, 0, 3, 3, L - 1]]) {
        assertFramesEqual(await decodeFrames(info, indices), all, indices, `${path} [${indices.join(",")}]`);
      }
    }
  });

  it("repeats frames when a short video is sampled for more frames than it has", async () => {
    const { info, all } = await reference(set.vp8);
    const indices = uniformIndices(3, 16); // [0,0,0,0,0,1,…]
    assertFramesEqual(await decodeFrames(info, indices), all, indices, "repeats");
  });

  it("seeks in MP4 and Matroska (edit list, VFR too) and still matches the full decode (no fallback)", async () => {
    for (const path of [set.longMp4, set.longWebm, set.editList, set.vfr, set.vfrMkv]) {
      const { info, all } = await reference(path);
      const indices = uniformIndices(info.frameCount, 16);
      const plan = planDecode(
        info,
        [...indices].sort((a, b) => a - b),
        { maxGapFrames: 0 },
      );
      assert.ok(
        plan.some((s) => s.seekPts !== null),
        `${path} should seek`,
      );
      const got = await decodeFrames(info, indices, { maxGapFrames: 0, fallback: false });
      assertFramesEqual(got, all, indices, path);
      // A frame right on a keyframe, and the one just before it.
      const k = info.frameIndex!.framePts.indexOf(info.frameIndex!.keyframePts[2]);
      assertFramesEqual(
        await decodeFrames(info, [k, k - 1], { maxGapFrames: 0, fallback: false }),
        all,
        [k, k - 1],
        path,
      );
    }
  });

  it("selects hundreds of scattered frames in one run", async () => {
    const { info, all } = await reference(set.longMp4);
    const indices = Array.from({ length: 200 }, (_, i) => 2 * i + 1); // 200 ranges: beyond a flat expression's limit
    assertFramesEqual(await decodeFrames(info, indices, { fallback: false }), all, indices, "scattered");
  });

  it("applies the rotation: frames of the 90° video are its stored frames turned counter-clockwise", async () => {
    const { info } = await reference(set.rotated);
    const [W, H] = [64, 48]; // stored size
    const stored = (
      await promisify(execFile)(
        "ffmpeg",
        [
          "-v",
          "error",
          "-noautorotate",
          "-i",
          set.rotated,
          "-frames:v",
          "1",
          "-f",
          "rawvideo",
          "-pix_fmt",
          "rgb24",
          "-",
        ],
        { encoding: "buffer", maxBuffer: 1 << 20 },
      )
    ).stdout;
    const got = await decodeFrames(info, [0]);
    assert.deepEqual([got.width, got.height], [H, W]);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < H; x++) {
        for (let c = 0; c < 3; c++) {
          assert.equal(got.frames[(y * H + x) * 3 + c], stored[(x * W + (W - 1 - y)) * 3 + c]);
        }
      }
    }
  });

  it("rejects an index outside the video", async () => {
    const { info } = await reference(set.h264);
    await assert.rejects(decodeFrames(info, [0, 30]), (e: unknown) => {
      assert.ok(e instanceof VidmaeError);
      assert.equal(e.code, "E_INVALID_ARGUMENT");
      assert.equal(
        e.message,
        `Expected integers in [0, 29] (${set.h264}) for indices but received 30 of type number`,
      );
      return true;
    });
  });

  it("refuses frames larger than maxPixels before decoding", async () => {
    const { info } = await reference(set.h264);
    await assert.rejects(decodeFrames(info, [0], { maxPixels: 64 * 48 - 1 }), {
      code: "E_VIDEO",
      message: `${set.h264}: frame size 64x48 exceeds the limit of 3071 pixels (maxPixels)`,
    });
  });

  it("names the frame it could not decode", async () => {
    const { info } = await reference(set.mpeg4);
    await assert.rejects(decodeFrames({ ...info, frameCount: 35 }, [2, 33]), {
      code: "E_VIDEO",
      message: `${set.mpeg4}: frame 33 of 35 could not be decoded (truncated or corrupt file)`,
    });
  });

  it("refuses output that does not split into frames of the probed size", async () => {
    const { info } = await reference(set.h264);
    const wrong = { ...info, width: 37 };
    const message = `${set.h264}: decoded frames are not 37x48 as probed`;
    await assert.rejects(decodeFrames(wrong, [0]), { code: "E_VIDEO", message });
    await assert.rejects(decodeAllFrames(wrong), { code: "E_VIDEO", message });
  });

  it("turns an FFmpeg failure into the file's name and FFmpeg's reason", async () => {
    const path = `${set.dir}/replaced.mp4`;
    await copyFile(set.h264, path);
    const info = await probeVideo(path);
    await copyFile(set.bad.text, path);
    await assert.rejects(decodeFrames(info, [0]), {
      code: "E_VIDEO",
      message: `${path}: truncated or not an MP4/MOV file (FFmpeg: moov atom not found)`,
    });
  });

  it("stops FFmpeg and rejects on abort", async () => {
    const { info } = await reference(set.longMp4);
    const controller = new AbortController();
    const decoding = decodeFrames(info, [599], { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(decoding, { name: "AbortError" });
  });

  it("returns nothing for no indices", async () => {
    const { info } = await reference(set.h264);
    assert.deepEqual(await decodeFrames(info, []), {
      frames: new Uint8Array(0),
      width: 64,
      height: 48,
      count: 0,
    });
  });
});

describe("decodeAllFrames", () => {
  it("probes a path and decodes every frame", async () => {
    const all = await decodeAllFrames(set.vfr);
    assert.deepEqual([all.count, all.width, all.height, all.frames.length], [40, 64, 48, 40 * 64 * 48 * 3]);
  });
});
