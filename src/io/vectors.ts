/**
 * A table of vectors with what each row is (video, clip, crop, time range): what a store loads and what the
 * exporters (npy, Parquet, CSV, JSON lines) write. Defined on the ground floor so the writers need nothing above.
 */

/**
 * What one row of a {@link LoadedVectors} matrix is; the clip fields are set at level `clip` only.
 *
 * @example
 * const row: VectorRow = { videoId: 3, path: "a.mp4", label: "cat", clipIndex: 1, crop: 0, startSec: 2, endSec: 4 };
 */
export interface VectorRow {
  videoId: number;
  path: string;
  label: string | null;
  clipIndex?: number;
  crop?: number;
  startSec?: number;
  endSec?: number;
}

/**
 * Vectors of a space as one row-major `[rows.length, dim]` matrix, rows ordered by video id, then clip index,
 * then crop.
 *
 * @example
 * const { dim, data, rows } = await store.loadVectors(space.id, { level: "video" });
 * const first = data.subarray(0, dim); // rows[0].path's vector
 */
export interface LoadedVectors {
  dim: number;
  data: Float32Array;
  rows: VectorRow[];
}
