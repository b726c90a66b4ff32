import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEmbedJob } from "../../src/distributed/job.js";
import { jobIdFor, workerStatsKey } from "../../src/distributed/names.js";

const JOB = {
  version: 1,
  video: { uri: "/shared/videos/a.mp4", contentHash: "sha256:ab", sizeBytes: 10, mtimeMs: 1.7e12 },
  spaceKey: "f".repeat(64),
  model: { name: "MCG-NJU/videomae-base", revision: "3cbf0c1" },
  sampling: { numFrames: 16, strategy: "clips", clips: 2, frameSampleRate: 4, crops: 1, pooling: "mean" },
};

describe("jobs", () => {
  it("are named by space and content, without BullMQ's separator", () => {
    assert.equal(jobIdFor("ab12", "sha256:ff00"), "ab12-sha256-ff00");
    assert.equal(workerStatsKey("vidmae-embed", "host:1"), "vidmae:vidmae-embed:workers:host:1");
  });

  it("carry a payload checked field by field", () => {
    assert.deepEqual(parseEmbedJob(JOB), JOB);
    assert.throws(() => parseEmbedJob({ ...JOB, version: 2 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected 1 for job.version but received 2 of type number",
    });
    assert.throws(() => parseEmbedJob({ ...JOB, sampling: { ...JOB.sampling, crops: 2 } }), {
      message: "Expected one of: 1, 3 for job.sampling.crops but received 2 of type number",
    });
    assert.throws(() => parseEmbedJob({ ...JOB, spaceKey: "abc" }), {
      message: 'Expected space key for job.spaceKey but received "abc" of type string',
    });
  });
});
