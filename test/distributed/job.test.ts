import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { failureReason, jobFailure, parseEmbedJob, withFailure } from "../../src/distributed/job.js";
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

describe("job failures", () => {
  const failure = { code: "E_VIDEO" as const, message: "/shared/a.mp4: moov atom not found" };
  const reason = "E_VIDEO: /shared/a.mp4: moov atom not found";

  it("travel as data beside the payload, which still parses", () => {
    const data = withFailure(JOB, failure)!;
    assert.deepEqual(data.failure, failure);
    assert.deepEqual(parseEmbedJob(data), JOB);
    assert.equal(failureReason(failure), reason);
    assert.equal(withFailure("not an object", failure), null);
    assert.deepEqual(jobFailure({ data, failedReason: reason }), failure);
  });

  it("are never read out of the failure text: a reason alone, or one of another attempt, is E_WORKER", () => {
    assert.deepEqual(jobFailure({ data: JOB, failedReason: reason }), { code: "E_WORKER", message: reason });
    const stalled = "job stalled more than allowable limit";
    assert.deepEqual(jobFailure({ data: withFailure(JOB, failure), failedReason: stalled }), {
      code: "E_WORKER",
      message: stalled,
    });
    const forged = { code: "E_FORGED", message: "x" };
    assert.deepEqual(jobFailure({ data: { ...JOB, failure: forged }, failedReason: "E_FORGED: x" }), {
      code: "E_WORKER",
      message: "E_FORGED: x",
    });
    assert.deepEqual(jobFailure(undefined), { code: "E_WORKER", message: "the job failed" });
  });
});
