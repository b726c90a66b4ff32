import assert from "node:assert/strict";
import { test } from "node:test";
import { pixelFeatures } from "../../src/demo/pixels.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { tempDir } from "../helpers/temp.js";

test("pixelFeatures gives frames x size² grey levels in [0, 1] per video", async () => {
  const dir = tempDir();
  const grey = await makeVideo(dir, { name: "grey.mp4", source: "color=c=0x808080", frames: 10 });
  const pattern = await makeVideo(dir, { name: "bars.mp4", source: "smptebars", frames: 10 });
  const X = await pixelFeatures([grey, pattern], { frames: 4, size: 6 });
  assert.deepEqual([X.rows, X.cols], [2, 4 * 36]);
  const row = (i: number) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
  for (const v of row(0))
    assert.ok(Math.abs(v - 128 / 255) < 3 / 255, `flat grey is 128/255, got ${v * 255}`);
  const bars = row(1);
  assert.ok(Math.min(...bars) >= 0 && Math.max(...bars) <= 1);
  assert.ok(Math.max(...bars) - Math.min(...bars) > 0.5, "bars have bright and dark columns");
  // The default is 8 frames of 8x8.
  assert.equal((await pixelFeatures([grey])).cols, 512);
});
