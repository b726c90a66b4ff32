import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_SELECT_RANGES, RUN_COST_PIXELS, planDecode, toRanges } from "../../src/video/decode-plan.js";

/** A CFR stream: frame i at pts 100·i, keyframe every `gop` frames. */
function cfr(
  frames: number,
  gop: number,
  container = "mov,mp4,m4a,3gp,3g2,mj2",
): Parameters<typeof planDecode>[0] {
  const framePts = Array.from({ length: frames }, (_, i) => 100 * i);
  return {
    container,
    width: 64,
    height: 48,
    frameIndex: { framePts, keyframePts: framePts.filter((_, i) => i % gop === 0) },
  };
}

describe("toRanges", () => {
  it("merges runs of consecutive indices", () => {
    assert.deepEqual(toRanges([0, 1, 2, 5, 7, 8]), [
      [0, 2],
      [5, 5],
      [7, 8],
    ]);
    assert.deepEqual(toRanges([]), []);
  });
});

describe("planDecode", () => {
  it("decodes from the start when the wanted frames are close together", () => {
    assert.deepEqual(planDecode(cfr(100, 10), [3, 50, 99]), [
      { seekPts: null, selectBy: "pts", emitted: [3, 50, 99] },
    ]);
  });

  it("seeks to the keyframe before each far-apart stretch", () => {
    const plan = planDecode(cfr(1000, 48), [5, 500, 501, 999], { maxGapFrames: 0 });
    assert.deepEqual(plan, [
      { seekPts: null, selectBy: "pts", emitted: [5] },
      { seekPts: 48000, selectBy: "pts", emitted: [500, 501] },
      { seekPts: 96000, selectBy: "pts", emitted: [999] },
    ]);
  });

  it("keeps decoding through a gap shorter than maxGapFrames", () => {
    // 60's keyframe is 48, within 50 frames of 5; 999's is 960.
    const plan = planDecode(cfr(1000, 48), [5, 60, 999], { maxGapFrames: 50 });
    assert.deepEqual(plan, [
      { seekPts: null, selectBy: "pts", emitted: [5, 60] },
      { seekPts: 96000, selectBy: "pts", emitted: [999] },
    ]);
  });

  it("seeks for a lone late frame only when decoding from the start would cost more than maxGapFrames", () => {
    assert.deepEqual(planDecode(cfr(1000, 48), [999], { maxGapFrames: 100 }), [
      { seekPts: 96000, selectBy: "pts", emitted: [999] },
    ]);
    assert.deepEqual(planDecode(cfr(1000, 48), [999], { maxGapFrames: Infinity }), [
      { seekPts: null, selectBy: "pts", emitted: [999] },
    ]);
  });

  it("sizes the default gap by the cost of a run in decoded pixels", () => {
    const gap = Math.ceil(RUN_COST_PIXELS / (64 * 48));
    const plan = planDecode(cfr(3 * gap, 48), [0, gap - 100, 3 * gap - 1]);
    assert.deepEqual(
      plan.map((s) => s.emitted),
      [[0, gap - 100], [3 * gap - 1]],
    );
  });

  it("never seeks in containers whose seeking is not by index, nor without timestamps", () => {
    assert.deepEqual(planDecode(cfr(1000, 48, "avi"), [5, 999], { maxGapFrames: 0 }), [
      { seekPts: null, selectBy: "pts", emitted: [5, 999] },
    ]);
    const noIndex = { ...cfr(1000, 48), frameIndex: null };
    assert.deepEqual(planDecode(noIndex, [5, 999], { maxGapFrames: 0 }), [
      { seekPts: null, selectBy: "n", emitted: [5, 999] },
    ]);
  });

  it("treats a keyframe hidden before the first frame (edit list) as the start", () => {
    const info = cfr(100, 10);
    info.frameIndex!.keyframePts = [-300, 1000, 2000];
    assert.deepEqual(planDecode(info, [2, 50], { maxGapFrames: 0 }), [
      { seekPts: null, selectBy: "pts", emitted: [2] },
      { seekPts: 2000, selectBy: "pts", emitted: [50] },
    ]);
  });

  it("emits the whole span when the frames are too scattered for one select expression", () => {
    const every3rd = Array.from({ length: MAX_SELECT_RANGES + 1 }, (_, i) => 3 * i);
    const [segment] = planDecode(cfr(1000, 1000), every3rd);
    assert.deepEqual(
      segment.emitted,
      Array.from({ length: 3 * MAX_SELECT_RANGES + 1 }, (_, i) => i),
    );
  });

  it("plans nothing for no frames", () => {
    assert.deepEqual(planDecode(cfr(10, 5), []), []);
  });
});
