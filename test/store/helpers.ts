/** Shared fixtures of the store tests: a spec, deterministic vectors and videos, temporary folders. */
import { tempDir as sharedTempDir } from "../helpers/temp.js";
import type { EmbeddingSpaceSpec } from "../../src/space/spec.js";
import type { ClipRecord, VideoEmbeddings, VideoFile } from "../../src/store/types.js";

/** A small space: 4-d vectors, 2 clips of 8 frames. */
export const SPEC: EmbeddingSpaceSpec = {
  model: "MCG-NJU/videomae-base",
  revision: "abc123",
  weightsHash: "sha256:weights",
  pooling: "mean",
  sampling: { method: "clips", numFrames: 8, frameSampleRate: 2, clips: 2, crops: 1 },
  precision: "fp32",
  dim: 4,
};

/**
 * A temporary folder removed when the test file ends (the shared helper, with the store tests' prefix).
 *
 * @example
 * const db = join(tempDir(), "e.db");
 */
export const tempDir = (): string => sharedTempDir("vidmae-store-test-");

/** A vector whose values encode (seed, position), so mix-ups show. */
export function vector(dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, j) => seed + j / 100);
}

/** File `n`: path `videos/n.mp4`, content hash `hash-n`. */
export function videoFile(n: number, overrides: Partial<VideoFile> = {}): VideoFile {
  return {
    path: `videos/${n}.mp4`,
    sizeBytes: 1000 + n,
    mtimeMs: 1.7e12 + n,
    contentHash: `hash-${n}`,
    ...overrides,
  };
}

/** Embeddings of a video: `clips` × `crops` clip vectors (seeded by video, clip and crop) and their mean. */
export function embeddings(videoId: number, dim: number, clips = 2, crops = 1): VideoEmbeddings {
  const records: ClipRecord[] = [];
  for (let c = 0; c < clips; c++) {
    for (let k = 0; k < crops; k++) {
      records.push({
        clipIndex: c,
        crop: k,
        frameIndices: [c * 10, c * 10 + 2, c * 10 + 4],
        startSec: c * 0.5,
        endSec: c * 0.5 + 0.25,
        vector: vector(dim, videoId * 100 + c * 10 + k),
      });
    }
  }
  const videoVector = new Float32Array(dim);
  for (const r of records) for (let j = 0; j < dim; j++) videoVector[j] += r.vector[j] / records.length;
  return { videoId, clips: records, videoVector, tooShort: false };
}
