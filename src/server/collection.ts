/**
 * The stored collection as the service reads it: videos of the server's embedding space, their vectors, nearest
 * neighbours, maps and thumbnails. Vectors and maps are cached until the collection changes (a store by this server,
 * or new counts written by another process such as `vidmae embed`).
 */
import { basename } from "node:path";
import type { Label } from "../classify/base.js";
import type { Matrix } from "../numeric/matrix.js";
import { buildMapData, type ColorBy, type MapData } from "../map/map-data.js";
import type { MapMethod, MapModel } from "../map/project.js";
import { videoThumbnail } from "../map/thumbnails.js";
import { similarVideos, type SimilarHit } from "../search/similar.js";
import type { Metric } from "../search/validate.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type {
  EmbeddingStore,
  LoadedVectors,
  StatusFilter,
  VectorLevel,
  VideoRecord,
  VideoStatus,
} from "../store/types.js";
import { HttpError } from "./http-errors.js";
import type { InferenceQueue } from "./queue.js";

/**
 * A stored video as responses show it.
 *
 * @example
 * const v: VideoSummary = { id: 3, path: "/srv/videos/a.mp4", name: "a.mp4", label: "cat", status: "ok",
 *   errorCode: null, errorMessage: null, sizeBytes: 1234, durationSec: 1.2, addedAt: "2026-01-02T03:04:05Z" };
 */
export interface VideoSummary {
  id: number;
  path: string;
  name: string;
  label: string | null;
  status: "ok" | "failed" | "pending";
  errorCode: string | null;
  errorMessage: string | null;
  sizeBytes: number;
  durationSec: number | null;
  /** When the video was first stored (ISO 8601). */
  addedAt: string;
}

/**
 * A neighbour as responses show it.
 *
 * @example
 * const hit: Hit = { videoId: 4, path: "/srv/videos/b.mp4", name: "b.mp4", label: null, distance: 0.03 };
 */
export type Hit = Omit<SimilarHit, "row"> & { name: string };

/** Options of the neighbour searches. */
export interface SimilarQuery {
  k: number;
  metric: Metric;
  level: VectorLevel;
}

/**
 * A page of the collection: an optional status, exact label and case-insensitive text in any of a video's paths,
 * sorted by the time videos were added (ties by id), `offset`/`limit` of the matches.
 *
 * @example
 * const q: ListQuery = { label: "cat", q: "garden", sort: "added-desc", offset: 0, limit: 24 };
 */
export interface ListQuery {
  status?: StatusFilter;
  label?: string;
  q?: string;
  sort: "added-asc" | "added-desc";
  offset: number;
  limit: number;
}

/**
 * A stored clip near a new video: a clip-level hit and the time range of the new video's clip it matched.
 *
 * @example
 * const m: Moment = { ...hit, startSec: 2.1, endSec: 4.2, queryStartSec: 0, queryEndSec: 2.1 };
 */
export type Moment = Hit & { queryStartSec: number; queryEndSec: number };

/** Options of a map. */
export interface MapQuery {
  method: MapMethod;
  level: VectorLevel;
  seed: number;
  color: ColorBy;
}

/**
 * A summary of a stored video and its status.
 *
 * @example
 * summarize(await store.getVideo(3), await store.status(space.id, 3));
 */
export function summarize(video: VideoRecord, status: VideoStatus | null): VideoSummary {
  const duration = video.probe?.durationSec;
  return {
    id: video.id,
    path: video.path ?? "",
    name: basename(video.path ?? ""),
    label: video.label,
    status: status?.status ?? "pending",
    errorCode: status?.errorCode ?? null,
    errorMessage: status?.errorMessage ?? null,
    sizeBytes: video.sizeBytes,
    durationSec: typeof duration === "number" ? duration : null,
    addedAt: video.createdAt,
  };
}

function toHit({ row: _row, ...hit }: SimilarHit): Hit {
  return { ...hit, name: basename(hit.path) };
}

/** A cache entry valid while the collection's stamp is unchanged; failures are not kept. */
interface Cached<T> {
  stamp: string;
  value: Promise<T>;
}

/**
 * Reads of the collection, cached.
 *
 * @example
 * const collection = new Collection(store, space, { queue, thumbnails: new InferenceQueue({ concurrency: 2 }) });
 * const hits = await collection.similarToVideo(3, { k: 5, metric: "cosine", level: "video" });
 */
export class Collection {
  private generation = 0;
  private readonly vectorCache = new Map<string, Cached<LoadedVectors>>();
  private readonly mapCache = new Map<string, Cached<{ data: MapData; model: MapModel }>>();
  private readonly thumbnailCache = new Map<number, Buffer>();

  constructor(
    readonly store: EmbeddingStore,
    readonly space: EmbeddingSpace,
    private readonly options: {
      /** Runs map builds (CPU-heavy) one at a time with inference. */
      queue: InferenceQueue;
      /** Runs thumbnail decodes. */
      thumbnails: InferenceQueue;
      /** For maps coloured by prediction. */
      classifier?: { predict(X: Matrix): Label[] };
    },
  ) {}

  /** Drops cached vectors and maps: this server stored a video. */
  changed(): void {
    this.generation++;
  }

  /** Identifies the collection's state: our own writes, and counts that change when others write. */
  private async stamp(): Promise<string> {
    const c = await this.store.counts(this.space.id);
    return `${this.generation}:${c.videos}:${c.ok}:${c.failed}:${c.clips}`;
  }

  private async cached<T>(cache: Map<string, Cached<T>>, key: string, make: () => Promise<T>): Promise<T> {
    const stamp = await this.stamp();
    const hit = cache.get(key);
    if (hit?.stamp === stamp) return hit.value;
    const value = make();
    cache.set(key, { stamp, value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  }

  /** The space's vectors at one level. */
  vectors(level: VectorLevel): Promise<LoadedVectors> {
    return this.cached(this.vectorCache, level, () => this.store.loadVectors(this.space.id, { level }));
  }

  /**
   * A page of the collection ({@link ListQuery}), how many videos match, and every label with its count (for
   * filters). The text matches any of a video's paths. The store lists all videos by id; filtering and sorting
   * here keeps to its existing API.
   *
   * @example
   * await collection.list({ q: "cat", sort: "added-desc", offset: 0, limit: 24 });
   * // { total: 3, videos: [...], labels: [{ label: "cat", count: 3 }, ...] }
   */
  async list(query: ListQuery): Promise<{
    total: number;
    videos: VideoSummary[];
    labels: { label: string; count: number }[];
  }> {
    const all = await this.store.listVideos(this.space.id, query.status ? { status: query.status } : {});
    const counts = new Map<string, number>();
    for (const v of all) if (v.label !== null) counts.set(v.label, (counts.get(v.label) ?? 0) + 1);
    const text = query.q?.toLowerCase();
    const matches = all.filter(
      (v) =>
        (query.label === undefined || v.label === query.label) &&
        (text === undefined ||
          [v.path ?? "", ...v.paths.map((p) => p.path)].some((path) => path.toLowerCase().includes(text))),
    );
    const sign = query.sort === "added-asc" ? 1 : -1;
    matches.sort((a, b) => sign * (a.createdAt.localeCompare(b.createdAt) || a.id - b.id));
    const page = matches.slice(query.offset, query.offset + query.limit);
    return {
      total: matches.length,
      videos: page.map((v) => summarize(v, v.status)),
      labels: [...counts]
        .map(([label, count]) => ({ label, count }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    };
  }

  /** A video with a path, or 404. */
  async video(id: number): Promise<VideoRecord & { path: string }> {
    const video = await this.store.getVideo(id);
    if (!video?.path) throw new HttpError(404, "E_NOT_FOUND", `No video with id ${id}`);
    return video as VideoRecord & { path: string };
  }

  /** A video's summary, content hash, probe facts and clips (without vectors). */
  async detail(id: number) {
    const video = await this.video(id);
    const status = await this.store.status(this.space.id, id);
    const clips = await this.store.getClips(this.space.id, id);
    return {
      ...summarize(video, status),
      contentHash: video.contentHash,
      probe: video.probe,
      clips: clips.map(({ vector: _v, ...clip }) => clip),
    };
  }

  /**
   * The stored videos (or clips) nearest to stored video `id`, its own rows left out.
   *
   * @throws HttpError 404 when the video does not exist or has no vectors in the space
   */
  async similarToVideo(id: number, query: SimilarQuery): Promise<Hit[]> {
    const vectors = await this.vectors(query.level);
    const row = vectors.rows.findIndex((r) => r.videoId === id);
    if (row < 0) {
      await this.video(id);
      const status = await this.store.status(this.space.id, id);
      throw new HttpError(
        404,
        "E_NOT_FOUND",
        `Video ${id} has no embedding in space ${this.space.id} (status: ${status?.status ?? "pending"})`,
      );
    }
    return (await similarVideos(vectors, { row }, query)).map(toHit);
  }

  /** The stored videos (or clips) nearest to a vector of the space. */
  async similarToVector(vector: Float32Array, query: SimilarQuery): Promise<Hit[]> {
    return (await similarVideos(await this.vectors(query.level), vector, query)).map(toHit);
  }

  /**
   * The stored clips nearest to any clip of a new video, best first, one entry per stored clip (its nearest
   * crop), each with the new video's clip it matched: the moments of the collection that look like the video.
   *
   * @example
   * const moments = await collection.moments(video.embedding.clips, { k: 6, metric: "cosine" });
   * moments[0]; // { videoId: 4, startSec: 2.1, endSec: 4.2, queryStartSec: 0, queryEndSec: 2.1, distance: 0.02, … }
   */
  async moments(
    clips: readonly { vector: Float32Array; startSec: number; endSec: number }[],
    query: Omit<SimilarQuery, "level">,
  ): Promise<Moment[]> {
    const best = new Map<string, Moment>();
    for (const clip of clips)
      for (const hit of await this.similarToVector(clip.vector, { ...query, level: "clip" })) {
        const key = `${hit.videoId}:${hit.clipIndex}`;
        if ((best.get(key)?.distance ?? Infinity) > hit.distance)
          best.set(key, { ...hit, queryStartSec: clip.startSec, queryEndSec: clip.endSec });
      }
    return [...best.values()].sort((a, b) => a.distance - b.distance).slice(0, query.k);
  }

  /**
   * The map of the space (built through the inference queue: t-SNE and UMAP keep a core busy for a while).
   *
   * @throws VidmaeError `E_DATA` for too few videos; HttpError 503 when the queue is full
   */
  map(query: MapQuery): Promise<{ data: MapData; model: MapModel }> {
    const key = `${query.method}:${query.level}:${query.seed}:${query.color}`;
    return this.cached(this.mapCache, key, async () =>
      this.options.queue.run(async () =>
        buildMapData(await this.vectors(query.level), { ...query, classifier: this.options.classifier }),
      ),
    );
  }

  /**
   * A PNG of the video's middle frame, at most 160 pixels a side (cached).
   *
   * @throws HttpError 404 when the video does not exist or its file cannot be read
   */
  async thumbnail(id: number): Promise<Buffer> {
    const known = this.thumbnailCache.get(id);
    if (known) return known;
    const video = await this.video(id);
    const url = await this.options.thumbnails
      .run((signal) => videoThumbnail(video.path, 160, signal))
      .catch((error: unknown) => {
        if (error instanceof HttpError) throw error;
        throw new HttpError(
          404,
          "E_NOT_FOUND",
          `The file of video ${id} cannot be read`,
          {},
          { cause: error },
        );
      });
    const png = Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
    this.thumbnailCache.set(id, png);
    // A few hundred small PNGs at most: a page shows dozens.
    if (this.thumbnailCache.size > 512) this.thumbnailCache.delete(this.thumbnailCache.keys().next().value!);
    return png;
  }
}
