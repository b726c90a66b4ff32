import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { scanPackets } from "../../src/video/frame-index.js";
import { probeVideo } from "../../src/video/probe.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "vidmae-frame-index-"));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The packet scan of stream 0 as the probe's one ffprobe run makes it. */
const scan = async (path: string) => {
  const { frameCount, frameIndex } = await probeVideo(path);
  return { frameCount, frameIndex };
};

describe("scanPackets", () => {
  it("lists frame timestamps in presentation order and every keyframe", async () => {
    // B-frames make decode order differ from presentation order.
    const path = await makeVideo(dir, { name: "gop.mp4", frames: 40, gop: 16, bframes: 2 });
    const { frameCount, frameIndex } = await scan(path);
    assert.equal(frameCount, 40);
    const { framePts, keyframePts } = frameIndex!;
    assert.deepEqual(
      framePts,
      framePts.slice().sort((a, b) => a - b),
    );
    assert.deepEqual(keyframePts, [framePts[0], framePts[16], framePts[32]]);
  });

  it("does not count frames an MP4 edit list discards, but keeps their keyframe", async () => {
    const path = await makeVideo(dir, { name: "cut.mp4", frames: 50, gop: 10, bframes: 2, cutStartSec: 0.5 });
    const { frameCount, frameIndex } = await scan(path);
    assert.equal(frameCount, 37);
    assert.ok(frameIndex!.keyframePts[0] < frameIndex!.framePts[0]);
  });

  it("gives no index when packets lack timestamps", async () => {
    const path = await makeVideo(dir, { name: "b.avi", frames: 20, bframes: 2 });
    assert.deepEqual(await scan(path), { frameCount: 20, frameIndex: null });
  });

  it("counts only the packets of the chosen stream", () => {
    const packets = [
      { stream_index: 1, pts: 0, flags: "K_" },
      { stream_index: 0, pts: 1024, flags: "__" },
      { stream_index: 0, pts: 0, flags: "K_" },
      { stream_index: 1, pts: 1024, flags: "K_" },
      { stream_index: 0, pts: 512, flags: "_D" },
    ];
    assert.deepEqual(scanPackets(packets, 0), {
      frameCount: 2,
      frameIndex: { framePts: [0, 1024], keyframePts: [0] },
    });
  });

  it("reports a file that ends before its last packet", async () => {
    const path = await makeBadInput(dir, "truncated-mkv");
    await assert.rejects(scan(path), {
      code: "E_VIDEO",
      message: `${path}: truncated file (FFmpeg: File ended prematurely)`,
    });
  });
});
