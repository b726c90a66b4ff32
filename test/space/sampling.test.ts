import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clipVectorsPerVideo, embedSettingsFor, samplingSpecFor } from "../../src/space/sampling.js";
import type { SamplingSpec } from "../../src/space/spec.js";
import { SPEC } from "../store/helpers.js";

describe("embedder settings for a space", () => {
  it("turns `method` into the embedder's `strategy` and back", () => {
    const settings = embedSettingsFor(SPEC);
    assert.deepEqual(settings, {
      numFrames: 8,
      sampling: { strategy: "clips", frameSampleRate: 2, clips: 2 },
      crops: 1,
      pooling: "mean",
    });
    assert.deepEqual(samplingSpecFor(settings), SPEC.sampling);
  });

  it("uniform sampling carries no clip parameters either way", () => {
    const uniform: SamplingSpec = { method: "uniform", numFrames: 16, crops: 3 };
    assert.deepEqual(embedSettingsFor({ ...SPEC, sampling: uniform }).sampling, { strategy: "uniform" });
    const clip = {
      numFrames: 16,
      sampling: { strategy: "uniform" as const, frameSampleRate: 4, clips: 1 },
      crops: 3 as const,
    };
    assert.deepEqual(samplingSpecFor(clip), uniform);
  });

  it("counts a video's clip vectors: K clips (one when too short) times the crops", () => {
    const clips: SamplingSpec = { method: "clips", numFrames: 16, frameSampleRate: 4, clips: 3, crops: 3 };
    assert.equal(clipVectorsPerVideo(clips, false), 9);
    assert.equal(clipVectorsPerVideo(clips, true), 3);
    assert.equal(clipVectorsPerVideo({ method: "uniform", numFrames: 16, crops: 1 }, false), 1);
  });
});
