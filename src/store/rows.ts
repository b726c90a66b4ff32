/**
 * Row ↔ record mapping shared by the store backends: the column names of schema.ts, JSON columns parsed with the
 * same zod schemas that validate input, and vectors as float32 little-endian blobs.
 */
import type { z } from "zod";
import { VidmaeError } from "../errors.js";
import { type EmbeddingSpace, type Pooling, type Precision, samplingSchema } from "../space/spec.js";
import { frameIndicesSchema, probeSchema } from "./input.js";
import type { ClipRecord, VideoPath, VideoRecord, VideoState, VideoStatus } from "./types.js";

/**
 * A row of `embedding_spaces`, as the driver returns it (the other row types likewise mirror their tables).
 *
 * @example
 * const row = db.prepare("SELECT * FROM embedding_spaces WHERE id = ?").get(1) as SpaceRow;
 */
export interface SpaceRow {
  id: number;
  key: string;
  model: string;
  revision: string | null;
  weights_hash: string;
  pooling: string;
  sampling: string;
  precision: string;
  dim: number;
  created_at: string;
}

/** A row of `videos`. */
export interface VideoRow {
  id: number;
  content_hash: string;
  path: string | null;
  size_bytes: number;
  mtime_ms: number;
  probe: string | null;
  label: string | null;
  created_at: string;
  updated_at: string;
}

/** A row of `video_paths`. */
export interface PathRow {
  video_id: number;
  path: string;
  label: string | null;
  added_at: string;
}

/** A row of `video_status`. */
export interface StatusRow {
  space_id: number;
  video_id: number;
  status: string;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  too_short: number | boolean;
  updated_at: string;
}

/** A row of `clip_embeddings` without its keys. */
export interface ClipRow {
  clip_index: number;
  crop: number;
  frame_indices: string;
  start_sec: number;
  end_sec: number;
  vector: Uint8Array;
}

/** Parses a JSON column; a value the schema rejects means the database was edited or damaged. */
function parseJsonColumn<T>(schema: z.ZodType<T>, text: string, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VidmaeError("E_STORE", `Stored ${column} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new VidmaeError("E_STORE", `Stored ${column} is malformed: ${result.error.issues[0].message}`);
  return result.data;
}

/**
 * A vector as blob bytes (a view, no copy: the driver copies when binding).
 *
 * @example
 * vectorToBlob(new Float32Array([1, 2])).byteLength; // 8
 */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * Checks a stored vector's size: `dim` float32 values.
 *
 * @param what - names the vector in the message
 * @throws VidmaeError E_STORE when the blob has another size
 * @example
 * checkBlob(row.vector, 768, "video 3 in space 1");
 */
export function checkBlob(blob: Uint8Array, dim: number, what: string): void {
  if (blob.byteLength !== dim * 4) {
    throw new VidmaeError(
      "E_STORE",
      `Stored vector of ${what} has ${blob.byteLength} bytes but the space's dimension ${dim} needs ${dim * 4}`,
    );
  }
}

/**
 * A stored vector as a fresh Float32Array (copied, so it is aligned and owns its memory).
 *
 * @throws VidmaeError E_STORE when the blob does not hold `dim` values
 * @example
 * blobToVector(row.vector, 768, "clip 0 of video 3"); // Float32Array(768)
 */
export function blobToVector(blob: Uint8Array, dim: number, what: string): Float32Array {
  checkBlob(blob, dim, what);
  const vector = new Float32Array(dim);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}

/**
 * @example
 * spaceFromRow(db.prepare("SELECT * FROM embedding_spaces WHERE id = ?").get(1));
 */
export function spaceFromRow(row: SpaceRow): EmbeddingSpace {
  return {
    id: row.id,
    key: row.key,
    model: row.model,
    revision: row.revision,
    weightsHash: row.weights_hash,
    pooling: row.pooling as Pooling,
    sampling: parseJsonColumn(samplingSchema, row.sampling, `sampling of space ${row.id}`),
    precision: row.precision as Precision,
    dim: row.dim,
    createdAt: row.created_at,
  };
}

/**
 * @example
 * pathFromRow({ video_id: 3, path: "/data/a.mp4", label: "cat", added_at: "2026-…" }); // { path, label, addedAt }
 */
export function pathFromRow(row: PathRow): VideoPath {
  return { path: row.path, label: row.label, addedAt: row.added_at };
}

/**
 * @param paths - the video's `video_paths` rows, primary first
 * @example
 * videoFromRow(db.prepare("SELECT * FROM videos WHERE id = ?").get(3), pathRows);
 */
export function videoFromRow(row: VideoRow, paths: readonly PathRow[]): VideoRecord {
  return {
    id: row.id,
    path: row.path,
    paths: paths.map(pathFromRow),
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    contentHash: row.content_hash,
    probe: row.probe === null ? null : parseJsonColumn(probeSchema, row.probe, `probe of video ${row.id}`),
    label: row.label,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * @example
 * statusFromRow(db.prepare("SELECT * FROM video_status WHERE space_id = ? AND video_id = ?").get(1, 3));
 */
export function statusFromRow(row: StatusRow): VideoStatus {
  return {
    spaceId: row.space_id,
    videoId: row.video_id,
    status: row.status as VideoState,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    attempts: row.attempts,
    tooShort: Boolean(row.too_short),
    updatedAt: row.updated_at,
  };
}

/**
 * @param what - names the video and space in messages
 * @example
 * clipFromRow(row, 768, "video 3 in space 1"); // { clipIndex: 0, crop: 0, frameIndices: [...], vector, ... }
 */
export function clipFromRow(row: ClipRow, dim: number, what: string): ClipRecord {
  const clip = `clip ${row.clip_index} crop ${row.crop} of ${what}`;
  return {
    clipIndex: row.clip_index,
    crop: row.crop,
    frameIndices: parseJsonColumn(frameIndicesSchema, row.frame_indices, `frame indices of ${clip}`),
    startSec: row.start_sec,
    endSec: row.end_sec,
    vector: blobToVector(row.vector, dim, clip),
  };
}
