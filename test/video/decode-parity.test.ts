/**
 * The decode path as it is now (one FFmpeg launcher process, seeking, `select` before the RGB conversion,
 * one decoding thread) against FFmpeg run the old way, straight from this process: every frame decoded and
 * converted, FFmpeg's own thread count. The chosen frames must be equal byte for byte.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { decodeFrames } from "../../src/video/decode.js";
import { probeVideo, type VideoInfo } from "../../src/video/probe.js";
import { sampleClips } from "../../src/video/sampling.js";
import { makeTestSet, removeTestSet, type TestSet } from "../helpers/synthetic-videos.js";

let set: TestSet;
before(async () => {
  set = await makeTestSet();
});
after(() => removeTestSet(set));

/** Every frame of the stream as RGB24, by the command line the decoder used before this path existed. */
async function oldWay(info: VideoInfo): Promise<Buffer> {
  const args = ["-nostdin", "-v", "error", "-i", info.path, "-map", `0:${info.streamIndex}`];
  args.push("-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
  const { stdout } = await promisify(execFile)("ffmpeg", args, {
    encoding: "buffer",
    maxBuffer: 1 << 30,
  });
  return stdout;
}

describe("decodeFrames against the old full decode", () => {
  it("gives the same bytes for every codec, seek, VFR, rotation and sampling", async () => {
    const videos = [set.h264, set.longMp4, set.longWebm, set.vfr, set.rotated, set.mpeg4, set.editList];
    for (const path of videos) {
      const info = await probeVideo(path);
      const all = await oldWay(info);
      const bytes = info.width * info.height * 3;
      assert.equal(all.length, info.frameCount * bytes, `${path}: frame count`);
      const samplings = [
        sampleClips(info.frameCount, 16).clips.flat(),
        sampleClips(info.frameCount, 8, { strategy: "clips", clips: 3, frameSampleRate: 2 }).clips.flat(),
        [info.frameCount - 1, 0, 5, 5],
      ];
      for (const indices of samplings) {
        for (const threads of [1, undefined]) {
          const got = await decodeFrames(info, indices, { threads });
          const label = `${path} threads ${threads} [${indices.join(",")}]`;
          assert.equal(got.count, indices.length, label);
          indices.forEach((frame, k) => {
            const a = Buffer.from(got.frames.buffer, got.frames.byteOffset + k * bytes, bytes);
            assert.ok(a.equals(all.subarray(frame * bytes, (frame + 1) * bytes)), `${label}: slot ${k}`);
          });
        }
      }
    }
  });

  it("refuses a thread count that is not a positive integer", async () => {
    const info = await probeVideo(set.h264);
    await assert.rejects(decodeFrames(info, [0], { threads: 0 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive integer for threads but received 0 of type number",
    });
  });
});
