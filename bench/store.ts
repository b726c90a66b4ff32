/**
 * Embedding store timing on the shape: 100 000 videos with a 768-d vector each (one clip per video, so
 * 100 000 clip vectors too), written in batched transactions, then read back as one Float32Array. The temporary
 * database lives in os.tmpdir() and is deleted afterwards.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/store/sqlite.js";
import type { VideoEmbeddings } from "../src/store/types.js";

const VIDEOS = 100_000;
const DIM = 768;
const BATCH = 1_000;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Deterministic vector contents: row i, column j. */
function value(i: number, j: number): number {
  return ((i * 131 + j * 7) % 1009) / 1009 - 0.5;
}

/**
 * Inserts the workload and times `loadVectors` at both levels.
 *
 * @returns insert and load times in seconds, load throughput, and the database size
 * @example
 * const r = await benchStore(); // { insert_s: 9.1, load_video_s: 0.21, ... }
 */
export async function benchStore(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "vidmae-bench-store-"));
  const path = join(dir, "bench.db");
  const store = await SqliteStore.open(path);
  try {
    const space = await store.ensureSpace({
      model: "bench",
      revision: null,
      weightsHash: "bench",
      pooling: "mean",
      sampling: { method: "uniform", numFrames: 16, crops: 1 },
      precision: "fp32",
      dim: DIM,
    });
    const vectors = new Float32Array(BATCH * DIM);
    const insertStart = process.hrtime.bigint();
    for (let first = 0; first < VIDEOS; first += BATCH) {
      const files = Array.from({ length: BATCH }, (_, k) => ({
        path: `videos/${first + k}.mp4`,
        sizeBytes: 1_000_000,
        mtimeMs: 1.7e12,
        contentHash: `hash-${first + k}`,
      }));
      const videos = await store.upsertVideos(files);
      const batch: VideoEmbeddings[] = videos.map((video, k) => {
        const vector = vectors.subarray(k * DIM, (k + 1) * DIM);
        for (let j = 0; j < DIM; j++) vector[j] = value(first + k, j);
        const clip = { clipIndex: 0, crop: 0, frameIndices: [0], startSec: 0, endSec: 1, vector };
        return { videoId: video.id, clips: [clip], videoVector: vector, tooShort: false };
      });
      await store.saveEmbeddings(space.id, batch);
    }
    const insertS = seconds(insertStart);

    const loadStart = process.hrtime.bigint();
    const loaded = await store.loadVectors(space.id, { level: "video" });
    const loadVideoS = seconds(loadStart);
    const clipStart = process.hrtime.bigint();
    const clips = await store.loadVectors(space.id, { level: "clip" });
    const loadClipS = seconds(clipStart);

    const last = VIDEOS - 1;
    if (
      loaded.rows.length !== VIDEOS ||
      clips.rows.length !== VIDEOS ||
      loaded.data[last * DIM + 5] !== Math.fround(value(last, 5))
    ) {
      throw new Error("benchStore: loaded vectors do not match what was written");
    }
    return {
      vectors: VIDEOS,
      dim: DIM,
      insert_s: insertS,
      insert_videos_per_s: VIDEOS / insertS,
      load_video_s: loadVideoS,
      load_clip_s: loadClipS,
      load_mb_per_s: (VIDEOS * DIM * 4) / 1e6 / loadVideoS,
      db_mb: (statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
