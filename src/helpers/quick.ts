/**
 * One-call helpers for the common jobs: a video's vectors, a fine-tuned checkpoint's labels, the nearest stored
 * videos. Each is what the matching command does (`vidmae embed`, `classify`, `similar`) for one video, built
 * from the same library pieces; a model named by string is loaded and released inside the call, a loaded
 * {@link VideoMAE} is borrowed and left open.
 */
import { type EmbedOptions, Embedder } from "../embed/embedder.js";
import { type HeadLabel, assertClassifier, headLabels } from "../embed/head.js";
import { loadSpaceEmbedder, spaceSpecFor } from "../embed/space.js";
import { invalidParameterError } from "../errors.js";
import type { PullOptions } from "../model/hub/pull.js";
import { type ModelOptions, VideoMAE } from "../model/videomae/model.js";
import { similarVideos as nearestRows } from "../search/similar.js";
import type { Metric } from "../search/validate.js";
import type { EmbeddingSpaceSpec } from "../space/spec.js";
import { openStore, selectSpace } from "../store/open.js";
import type { EmbeddingStore, VectorLevel } from "../store/types.js";

/** A model to use: a folder or hub id (loaded, then released), or a loaded model (left open). */
export type ModelSource = string | VideoMAE;

/** How a model named by string is loaded; ignored for a loaded {@link VideoMAE}. */
export interface LoadOptions {
  /** Threads, provider, precision, warnings and graph cache for {@link VideoMAE.load}. */
  modelOptions?: ModelOptions;
  /** Revision, token, offline mode and download progress for a hub id. */
  hub?: PullOptions;
}

/** Options of {@link embedVideo}: the model and the sampling of `vidmae embed` (same defaults). */
export interface EmbedVideoOptions
  extends Pick<EmbedOptions, "numFrames" | "sampling" | "crops" | "pooling">, LoadOptions {
  model: ModelSource;
}

/** One clip's vector and where the clip lies in the video, in seconds. */
export interface ClipVector {
  start: number;
  end: number;
  vector: Float32Array;
}

/** What {@link embedVideo} returns. */
export interface VideoVectors {
  /** The per-video vector, as `vidmae embed` stores it (the mean of the clip vectors). */
  vector: Float32Array;
  /** One entry per clip and crop, in order. */
  clips: ClipVector[];
  /** What made the vectors: only vectors of the same space may be compared. */
  space: EmbeddingSpaceSpec;
}

/** Options of {@link classifyVideo}. */
export interface ClassifyVideoOptions
  extends Pick<EmbedOptions, "numFrames" | "sampling" | "crops">, LoadOptions {
  /** A fine-tuned checkpoint (with a classification head). */
  model: ModelSource;
  /** How many labels. @defaultValue 5 */
  k?: number;
}

/** Options of {@link similarVideos}. */
export interface SimilarVideosOptions extends LoadOptions {
  /** A store (left open) or its path / `postgres://` URL (opened and closed). */
  db: string | EmbeddingStore;
  /** @defaultValue 10 */
  k?: number;
  /** @defaultValue "cosine" */
  metric?: Metric;
  /** The space id or key prefix when the store holds several (as `--space`). */
  space?: string;
  /** `video`: one hit per video; `clip`: clips with their time ranges. @defaultValue "video" */
  level?: VectorLevel;
}

/** One neighbour from {@link similarVideos}. */
export interface SimilarVideo {
  videoId: number;
  path: string;
  label: string | null;
  /** Cosine similarity (higher is closer) for `cosine`; Euclidean distance (lower is closer) for `l2`. */
  score: number;
  metric: Metric;
  /** The clip's time range in seconds (clip level only). */
  start?: number;
  end?: number;
}

/** Runs `fn` on the model, loading a named one first and releasing it afterwards. */
async function withModel<T>(
  source: ModelSource,
  load: LoadOptions,
  fn: (model: VideoMAE) => Promise<T>,
): Promise<T> {
  if (source instanceof VideoMAE) return fn(source);
  const model = await VideoMAE.load(source, { ...load.modelOptions, hub: load.hub });
  try {
    return await fn(model);
  } finally {
    await model.release();
  }
}

/**
 * Embeds one video: its per-video vector, one vector per clip with the clip's time range, and the embedding
 * space they belong to.
 *
 * @throws VidmaeError `E_VIDEO`/`E_IO` naming the file, `E_INVALID_ARGUMENT` for bad sampling, model load errors
 * @example
 * import { embedVideo } from "vidmae";
 * const { vector, clips, space } = await embedVideo("cat.mp4", { model: "MCG-NJU/videomae-base" });
 * console.log(vector.length, clips.map((c) => `${c.start}-${c.end}s`), space.pooling); // → 768 [ '0-2.56s' ] mean
 */
export async function embedVideo(path: string, options: EmbedVideoOptions): Promise<VideoVectors> {
  const { model: source, numFrames, sampling, crops, pooling } = options;
  return withModel(source, options, async (model) => {
    const embedder = await Embedder.create(model, { numFrames, sampling, crops, pooling });
    const e = await embedder.embedVideo(path);
    return {
      vector: e.vector,
      clips: e.clips.map((c) => ({ start: c.startSec, end: c.endSec, vector: c.vector })),
      space: await spaceSpecFor(embedder, typeof source === "string" ? source : model.dir),
    };
  });
}

/**
 * The top `k` labels of a fine-tuned checkpoint's own head for a video, with softmax scores: logits averaged
 * over clips and crops, as `vidmae classify` prints them.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for a checkpoint without a head or a bad `k`; video errors name the file
 * @example
 * import { classifyVideo } from "vidmae";
 * const top = await classifyVideo("cat.mp4", { model: "MCG-NJU/videomae-base-finetuned-kinetics", k: 3 });
 * console.log(top[0]); // → { label: 'petting cat', index: 250, score: 0.82 }
 */
export async function classifyVideo(path: string, options: ClassifyVideoOptions): Promise<HeadLabel[]> {
  const { model: source, k = 5, numFrames, sampling, crops } = options;
  if (!Number.isInteger(k) || k < 1) throw invalidParameterError("k", "positive integer", k);
  return withModel(source, options, async (model) => {
    assertClassifier(model, typeof source === "string" ? source : model.dir);
    const embedder = await Embedder.create(model, { numFrames, sampling, crops });
    return headLabels(model, await embedder.embedVideo(path), k);
  });
}

/**
 * The stored videos nearest to a video file or a vector, nearest first. A file is embedded in the store's space
 * with the checkpoint and settings that made it (loaded, then released); a vector must be of that space.
 *
 * @throws VidmaeError `E_STORE` for an empty store or an ambiguous space, `E_DATA` when the checkpoint is not the
 *   one that made the space, `E_SHAPE` for a vector of another dimension, `E_INVALID_ARGUMENT` for a bad `k`
 * @example
 * import { similarVideos } from "vidmae";
 * for (const hit of await similarVideos("query.mp4", { db: "vidmae.db", k: 5 }))
 *   console.log(hit.score.toFixed(3), hit.path, hit.label); // → 0.981 /videos/cat/02.mp4 cat
 */
export async function similarVideos(
  query: string | Float32Array,
  options: SimilarVideosOptions,
): Promise<SimilarVideo[]> {
  const { db, k = 10, metric = "cosine", level = "video" } = options;
  const store = typeof db === "string" ? await openStore(db) : db;
  try {
    const space = await selectSpace(store, options.space);
    let vector: Float32Array;
    if (typeof query === "string") {
      const { model, embedder } = await loadSpaceEmbedder(space, {
        ...options.modelOptions,
        hub: options.hub,
      });
      try {
        vector = (await embedder.embedVideo(query)).vector;
      } finally {
        await model.release();
      }
    } else vector = query;
    const hits = await nearestRows(await store.loadVectors(space.id, { level }), vector, {
      k,
      metric,
      level,
    });
    return hits.map((h) => ({
      videoId: h.videoId,
      path: h.path,
      label: h.label,
      score: metric === "cosine" ? 1 - h.distance : h.distance,
      metric,
      ...(h.startSec !== undefined ? { start: h.startSec, end: h.endSec } : {}),
    }));
  } finally {
    if (typeof db === "string") await store.close();
  }
}
