import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { PNG } from "pngjs";
import { VidmaeError } from "../../src/errors.js";
import { makeThumbnails, videoThumbnail } from "../../src/map/thumbnails.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { tempDir } from "../helpers/temp.js";

const PREFIX = "data:image/png;base64,";

function decode(url: string): PNG {
  assert.ok(url.startsWith(PREFIX));
  return PNG.sync.read(Buffer.from(url.slice(PREFIX.length), "base64"));
}

const dir = tempDir("vidmae-thumbs-");
let wide: string;
let small: string;
before(async () => {
  wide = await makeVideo(dir, { name: "wide.mp4", frames: 9, width: 192, height: 96 });
  small = await makeVideo(dir, { name: "small.webm", source: "smptebars", frames: 5, width: 40, height: 30 });
});

describe("thumbnails", () => {
  test("the middle frame, downscaled to the longest side, as a PNG data URL", async () => {
    const png = decode(await videoThumbnail(wide, 64));
    assert.equal(png.width, 64);
    assert.equal(png.height, 32);
    // testsrc2 is colourful: not a blank picture.
    assert.ok(new Set(png.data.filter((_, i) => i % 4 === 0)).size > 8);
  });

  test("small frames are not enlarged", async () => {
    const png = decode(await videoThumbnail(small, 96));
    assert.deepEqual([png.width, png.height], [40, 30]);
  });

  test("an unreadable video throws from videoThumbnail and is empty in makeThumbnails", async () => {
    const broken = await makeBadInput(dir, "truncated-mp4");
    await assert.rejects(
      videoThumbnail(broken),
      (e: unknown) => e instanceof VidmaeError && e.code === "E_VIDEO",
    );
    const thumbs = await makeThumbnails([wide, broken, join(dir, "missing.mp4"), wide], { maxSide: 32 });
    assert.deepEqual([...thumbs.keys()], [wide, broken, join(dir, "missing.mp4")]);
    assert.equal(decode(thumbs.get(wide)!).width, 32);
    assert.equal(thumbs.get(broken), "");
    assert.equal(thumbs.get(join(dir, "missing.mp4")), "");
  });

  test("makeThumbnails reports 0 first, then each distinct video finished, up to their number", async () => {
    const calls: [number, number][] = [];
    await makeThumbnails([wide, join(dir, "missing.mp4"), wide, small], {
      maxSide: 16,
      onProgress: (done, total) => calls.push([done, total]),
    });
    assert.deepEqual(calls, [
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});
