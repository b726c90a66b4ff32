/** What crash-writer.ts writes, shared with crash.test.ts so the test can check every stored byte. */
import type { EmbeddingSpaceSpec } from "../../src/space/spec.js";
import type { VideoEmbeddings, VideoFile } from "../../src/store/types.js";

/** Videos per transaction. */
export const CRASH_BATCH = 8;
/** Clips per video. */
export const CRASH_CLIPS = 16;

export const CRASH_SPEC: EmbeddingSpaceSpec = {
  model: "crash",
  revision: null,
  weightsHash: "crash",
  pooling: "mean",
  sampling: { method: "clips", numFrames: 16, frameSampleRate: 4, clips: CRASH_CLIPS, crops: 1 },
  precision: "fp32",
  dim: 768,
};

/** Video number `n`. */
export function crashFile(n: number): VideoFile {
  return { path: `v/${n}.mp4`, sizeBytes: n, mtimeMs: n, contentHash: `crash-${n}` };
}

/** The vector of clip `clip` of video number `n` (clip -1: the video vector). */
export function crashVector(n: number, clip: number): Float32Array {
  return new Float32Array(CRASH_SPEC.dim).fill(n * 1000 + clip);
}

/** Embeddings of video number `n`, stored under id `videoId`. */
export function crashEmbeddings(videoId: number, n: number): VideoEmbeddings {
  return {
    videoId,
    clips: Array.from({ length: CRASH_CLIPS }, (_, c) => ({
      clipIndex: c,
      crop: 0,
      frameIndices: [c],
      startSec: c,
      endSec: c + 1,
      vector: crashVector(n, c),
    })),
    videoVector: crashVector(n, -1),
    tooShort: false,
  };
}
