/**
 * Embedding a request's video: through the bounded queue, under the duration and pixel limits and the processing
 * timeout, with a small cache by content hash (the page asks for labels, then neighbours, of one dropped video:
 * the second request costs no inference).
 */
import { VidmaeError } from "../errors.js";
import type { Embedder, VideoEmbedding } from "../embed/embedder.js";
import { probeVideo, type VideoInfo } from "../video/probe.js";
import { HttpError } from "./http-errors.js";
import type { InferenceQueue } from "./queue.js";

/**
 * A video a request brought: an upload in the temp dir, or a file under an allowed root. `name` is what the
 * client called it, used in messages instead of the server's path.
 *
 * @example
 * const input: VideoInput = { path: "/srv/videos/a.mp4", name: "a.mp4", sizeBytes: 1234, contentHash: "sha256:…", upload: false };
 */
export interface VideoInput {
  path: string;
  name: string;
  sizeBytes: number;
  contentHash: string;
  upload: boolean;
}

/** Probe facts kept with an embedding (the bulky frame index and the server path left out). */
export type ProbeFacts = Omit<VideoInfo, "frameIndex" | "path">;

/**
 * A request's video, embedded.
 *
 * @example
 * const { embedding, info } = await embeddings.embed(input); // embedding.vector: Float32Array(768)
 */
export interface EmbeddedVideo {
  name: string;
  contentHash: string;
  info: ProbeFacts;
  embedding: VideoEmbedding;
}

/**
 * The probe facts responses show.
 *
 * @example
 * publicInfo(video.info); // { durationSec: 1.2, fps: 25, frameCount: 30, width: 64, height: 48, codec: "h264", container: "mov,mp4,…" }
 */
export function publicInfo(info: ProbeFacts) {
  const { durationSec, fps, frameCount, width, height, codec, container } = info;
  return { durationSec, fps, frameCount, width, height, codec, container };
}

/** Limits on what one request may make the server do. */
export interface EmbedLimits {
  /** Longest accepted video, in seconds. */
  maxDurationSec: number;
  /** Largest accepted frame, width × height. */
  maxPixels: number;
  /** Time from queueing to the embedding, in milliseconds. */
  timeoutMs: number;
}

/** Replaces the server's path of the input by the client's name in a library error's message. */
function clientFacing(error: unknown, input: VideoInput): unknown {
  if (!(error instanceof VidmaeError) || !error.message.includes(input.path)) return error;
  return new VidmaeError(error.code, error.message.replaceAll(input.path, input.name), {
    cause: error.cause,
  });
}

/**
 * Embeds request videos with one embedder.
 *
 * @example
 * const embeddings = new EmbeddingService(embedder, queue, { maxDurationSec: 600, maxPixels: 3840 * 2160, timeoutMs: 120_000 });
 * const video = await embeddings.embed(input, clientGone);
 */
export class EmbeddingService {
  private readonly cache = new Map<string, Omit<EmbeddedVideo, "name">>();

  constructor(
    readonly embedder: Embedder,
    readonly queue: InferenceQueue,
    readonly limits: EmbedLimits,
    private readonly options: { cacheEntries?: number; onInference?: (seconds: number) => void } = {},
  ) {}

  /**
   * The input's embedding (from the cache when the same content was embedded lately).
   *
   * @param signal - aborts when the client goes away
   * @throws HttpError 422 `E_DURATION_LIMIT` / `E_PIXEL_LIMIT`, 503 `E_BUSY`, 504 `E_TIMEOUT`; VidmaeError
   *   `E_VIDEO` (not a usable video) and others from the embedder, naming the input by its client name
   */
  async embed(input: VideoInput, signal?: AbortSignal): Promise<EmbeddedVideo> {
    const cached = this.cache.get(input.contentHash);
    if (cached) {
      // Re-insert: the map's order is the eviction order.
      this.cache.delete(input.contentHash);
      this.cache.set(input.contentHash, cached);
      return { ...cached, name: input.name };
    }
    const { timeoutMs } = this.limits;
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new HttpError(504, "E_TIMEOUT", `${input.name}: processing took longer than ${timeoutMs / 1000} s`),
        ),
      timeoutMs,
    );
    try {
      const result = await this.queue.run(
        (jobSignal) => this.embedNow(input, jobSignal),
        signal ? AbortSignal.any([timeout.signal, signal]) : timeout.signal,
      );
      this.remember(result);
      return { ...result, name: input.name };
    } catch (error) {
      throw clientFacing(error, input);
    } finally {
      clearTimeout(timer);
    }
  }

  private async embedNow(input: VideoInput, signal: AbortSignal): Promise<Omit<EmbeddedVideo, "name">> {
    const t0 = performance.now();
    // The limits are ours to report, so the library's own pixel limit is lifted for this probe.
    const {
      frameIndex: _index,
      path: _path,
      ...info
    } = await probeVideo(input.path, {
      maxPixels: Number.MAX_SAFE_INTEGER,
      signal,
    });
    const { maxDurationSec, maxPixels } = this.limits;
    if (info.durationSec > maxDurationSec)
      throw new HttpError(
        422,
        "E_DURATION_LIMIT",
        `${input.name}: duration ${info.durationSec.toFixed(1)} s exceeds the limit of ${maxDurationSec} s`,
      );
    if (info.width * info.height > maxPixels)
      throw new HttpError(
        422,
        "E_PIXEL_LIMIT",
        `${input.name}: frame size ${info.width}x${info.height} exceeds the limit of ${maxPixels} pixels`,
      );
    const embedding = await this.embedder.embedVideo(input.path, signal);
    this.options.onInference?.((performance.now() - t0) / 1000);
    return { contentHash: input.contentHash, info, embedding };
  }

  private remember(result: Omit<EmbeddedVideo, "name">): void {
    const max = this.options.cacheEntries ?? 16;
    if (max <= 0) return;
    this.cache.set(result.contentHash, result);
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
  }
}
