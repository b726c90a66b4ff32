/**
 * The embedding store's records and the storage-agnostic {@link EmbeddingStore} interface. SQLite implements it
 * today ({@link import("./sqlite.js").SqliteStore}); a PostgreSQL twin for distributed workers implements the same
 * logical schema later, which is why every method returns a Promise even where SQLite is synchronous.
 */
import type { LoadedVectors, VectorRow } from "../io/vectors.js";
import type { EmbeddingSpace, EmbeddingSpaceSpec } from "../space/spec.js";

/**
 * A file as seen on disk, handed to {@link EmbeddingStore.upsertVideos}. The content hash is the natural key:
 * a renamed or moved file keeps its row (and embeddings) and gets its new path.
 *
 * @example
 * const file: VideoFile = { path: "a.mp4", sizeBytes: 1024, mtimeMs: 1.7e12, contentHash: "sha256:…", probe: { fps: 30 } };
 */
export interface VideoFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  /**
   * Probe metadata, a JSON-serialisable object such as a `VideoInfo`; omitted keeps what is stored. Leave out bulky
   * fields such as `frameIndex`.
   */
  probe?: object | null;
  /**
   * Class label of this path, and so the video's label (the label given last wins, see store/labels.ts); omitted
   * keeps the path's label, and a path new to the video takes the video's label.
   */
  label?: string | null;
}

/**
 * One path a video was given, with its own label and when it was added to the video.
 *
 * @example
 * const p: VideoPath = { path: "/data/cat/x.mp4", label: "cat", addedAt: "2026-01-31T12:00:00.000Z" };
 */
export interface VideoPath {
  path: string;
  label: string | null;
  addedAt: string;
}

/**
 * A stored video: one content hash and every path it was given (`paths`, each with its label). `path` and `label`
 * are the primary ones: the path given last and the label given last for any of its paths. `path` is null when
 * none of its paths holds this content any more (each went to the new content's row); the row keeps its
 * embeddings in case the content reappears.
 *
 * @example
 * const v = await store.findVideoByHash("sha256:…");
 * // { id: 3, path: "/data/b/x.mp4", label: "dog", paths: [{ path: "/data/b/x.mp4", label: "dog", … }, { path: "/data/a/x.mp4", label: "cat", … }], … }
 */
export interface VideoRecord {
  id: number;
  path: string | null;
  /** Every path of the video, the primary one first, then the most recently added. */
  paths: VideoPath[];
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  probe: Record<string, unknown> | null;
  label: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The label a video had before an upsert from another path gave its content another one (see store/labels.ts):
 * `path` is where the content was stored from, null when that path has other content now.
 *
 * @example
 * const [v] = await store.upsertVideos([{ ...file, path: "b/x.mp4", label: "dog" }]);
 * v.replacedLabel; // { path: "a/x.mp4", label: "cat" }
 */
export interface LabelConflict {
  path: string | null;
  label: string;
}

/**
 * A record as {@link EmbeddingStore.upsertVideos} returns it: with `replacedLabel` when the upsert replaced the
 * label the same content had from another path (absent otherwise).
 *
 * @example
 * for (const v of await store.upsertVideos(files)) if (v.replacedLabel) console.warn(v.path, v.replacedLabel);
 */
export interface UpsertedVideo extends VideoRecord {
  replacedLabel?: LabelConflict;
}

/** Outcome of embedding a video in a space; no status row means not attempted yet. */
export const VIDEO_STATES = ["ok", "failed"] as const;
/** One of {@link VIDEO_STATES}. */
export type VideoState = (typeof VIDEO_STATES)[number];

/**
 * A video's status in one space. `ok` always comes with its clip and video vectors (written in one transaction);
 * `failed` comes with none.
 *
 * @example
 * const s = await store.status(space.id, video.id); // { status: "failed", errorCode: "E_VIDEO", attempts: 1, ... }
 */
export interface VideoStatus {
  spaceId: number;
  videoId: number;
  status: VideoState;
  errorCode: string | null;
  errorMessage: string | null;
  /** Number of saves (successful or failed) so far. */
  attempts: number;
  /** The video was shorter than one clip's window, so frames were sampled uniformly instead. */
  tooShort: boolean;
  updatedAt: string;
}

/**
 * One clip's embedding: clip `clipIndex` seen through spatial crop `crop` (0 for a single crop).
 *
 * @example
 * const c: ClipRecord = { clipIndex: 0, crop: 0, frameIndices: [0, 4, 8], startSec: 0, endSec: 0.3, vector };
 */
export interface ClipRecord {
  clipIndex: number;
  crop: number;
  frameIndices: number[];
  startSec: number;
  endSec: number;
  vector: Float32Array;
}

/**
 * What one successful embedding run of one video produced: its clip vectors and the video vector (the mean of the
 * clip vectors, computed by the caller).
 *
 * @example
 * const e: VideoEmbeddings = { videoId: 3, clips: [clip], videoVector: clip.vector, tooShort: false };
 */
export interface VideoEmbeddings {
  videoId: number;
  clips: readonly ClipRecord[];
  videoVector: Float32Array;
  tooShort: boolean;
}

/**
 * Why embedding a video failed: a stable code (usually a VidmaeError code) and the message.
 *
 * @example
 * const f: VideoFailure = { code: "E_VIDEO", message: "a.mp4: moov atom not found" };
 */
export interface VideoFailure {
  code: string;
  message: string;
}

/**
 * A video and its status in the space asked about (null: not attempted).
 *
 * @example
 * const failed = (await store.listVideos(space.id)).filter((v) => v.status?.status === "failed");
 */
export interface VideoWithStatus extends VideoRecord {
  status: VideoStatus | null;
}

/** Granularity of loaded or exported vectors: one per video, or one per clip and crop. */
export const VECTOR_LEVELS = ["video", "clip"] as const;
/** One of {@link VECTOR_LEVELS}. */
export type VectorLevel = (typeof VECTOR_LEVELS)[number];

export type { LoadedVectors, VectorRow };

/**
 * Progress of a space over the collection (videos with a path): how many are `ok`, `failed` or not attempted
 * (`pending`), and how many clip vectors are stored.
 *
 * @example
 * const c = await store.counts(space.id); // { videos: 120, ok: 100, failed: 2, pending: 18, clips: 300 }
 */
export interface SpaceCounts {
  videos: number;
  ok: number;
  failed: number;
  pending: number;
  clips: number;
}

/**
 * Filter of {@link EmbeddingStore.listVideos}: a status, or `pending` for videos not attempted in the space.
 *
 * @example
 * const retry = await store.listVideos(space.id, { status: "failed" satisfies StatusFilter });
 */
export type StatusFilter = VideoState | "pending";

/**
 * Storage of embedding spaces, videos, their per-space status and vectors. Writes are idempotent: delivering the
 * same save twice leaves the same rows as delivering it once. Videos without a path (see {@link VideoRecord})
 * are left out of listings, counts and loaded vectors.
 *
 * @example
 * const store: EmbeddingStore = await SqliteStore.open("embeddings.db");
 * const space = await store.ensureSpace(spec);
 * const [video] = await store.upsertVideos([file]);
 * if ((await store.status(space.id, video.id))?.status !== "ok") await store.saveEmbeddings(space.id, [result]);
 */
export interface EmbeddingStore {
  /** Returns the space with this spec's key, creating it if needed. */
  ensureSpace(spec: EmbeddingSpaceSpec): Promise<EmbeddingSpace>;
  /** A space by id or key, null if absent. */
  getSpace(idOrKey: number | string): Promise<EmbeddingSpace | null>;
  /** All spaces, oldest first. */
  listSpaces(): Promise<EmbeddingSpace[]>;
  /**
   * Inserts or updates videos by content hash, in one transaction, adding each file's path to its video (a path
   * that held other content before moves to this one); returns their records in input order, each saying which
   * label it replaced when the same content came from another path with another label.
   */
  upsertVideos(files: readonly VideoFile[]): Promise<UpsertedVideo[]>;
  getVideo(id: number): Promise<VideoRecord | null>;
  findVideoByHash(contentHash: string): Promise<VideoRecord | null>;
  /** The video `path` (any of its paths) last held, to skip re-hashing a file whose size and mtime did not change. */
  findVideoByPath(path: string): Promise<VideoRecord | null>;
  /** Sets the label of a video and of every one of its paths. */
  setLabel(videoId: number, label: string | null): Promise<void>;
  /** A video's status in a space, null if not attempted. */
  status(spaceId: number, videoId: number): Promise<VideoStatus | null>;
  /** Videos with a path, by id, each with its status in the space, optionally filtered by status. */
  listVideos(spaceId: number, options?: { status?: StatusFilter }): Promise<VideoWithStatus[]>;
  /** Stores a batch of successful results in one transaction: clips (replacing any), video vector, status `ok`. */
  saveEmbeddings(spaceId: number, batch: readonly VideoEmbeddings[]): Promise<void>;
  /** Records a failure: status `failed` with the error, and removes any vectors of the video in the space. */
  saveFailure(spaceId: number, videoId: number, failure: VideoFailure): Promise<VideoStatus>;
  /** A video's clip records in a space, ordered by clip index, then crop. */
  getClips(spaceId: number, videoId: number): Promise<ClipRecord[]>;
  /** All vectors of a space at one level, as one contiguous matrix. */
  loadVectors(spaceId: number, options: { level: VectorLevel }): Promise<LoadedVectors>;
  counts(spaceId: number): Promise<SpaceCounts>;
  close(): Promise<void>;
}
