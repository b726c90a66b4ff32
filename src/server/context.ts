/** What the routes share: the server's options and the services built once per app. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SavedModel } from "../classify/model-file.js";
import type { VideoMAE } from "../model/videomae/model.js";
import type { EmbeddingSpace, EmbeddingStore } from "../store/types.js";
import type { Collection } from "./collection.js";
import type { EmbeddingService } from "./embedding.js";
import type { ServerMetrics } from "./metrics.js";
import type { AllowedRoot } from "./paths.js";
import type { InferenceQueue } from "./queue.js";
import type { RouteTable } from "./route.js";
import type { VideoRequestOptions } from "./video-request.js";

/**
 * The service's settings (the `vidmae serve` flags).
 *
 * @example
 * const options: Partial<ServerOptions> = { apiKey: "s3cret", allowedRoots: ["/srv/videos"], queueSize: 4 };
 */
export interface ServerOptions {
  /** Bearer key every API route needs; null: open. */
  apiKey: string | null;
  /** Directories JSON `{"path"}` inputs may come from; none: paths are refused. */
  allowedRoots: string[];
  /** Largest upload. */
  maxUploadBytes: number;
  /** Longest video, in seconds. */
  maxDurationSec: number;
  /** Largest frame, width × height. */
  maxPixels: number;
  /** Time from queueing to a video's embedding, in milliseconds. */
  timeoutMs: number;
  /** Inference jobs that may wait; more get 503. */
  queueSize: number;
  /** Inference jobs running at once. */
  concurrency: number;
  /** Where uploads are streamed to (removed after each request). */
  tmpDir: string;
  /** Where stored uploads are kept; null: uploads cannot be stored. */
  uploadsDir: string | null;
  /** Embeddings remembered by content hash. */
  cacheEntries: number;
}

/** The defaults of {@link ServerOptions}. */
export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  apiKey: null,
  allowedRoots: [],
  maxUploadBytes: 256 * 1024 * 1024,
  maxDurationSec: 600,
  maxPixels: 3840 * 2160,
  timeoutMs: 120_000,
  queueSize: 8,
  concurrency: 1,
  tmpDir: join(tmpdir(), "vidmae-server"),
  uploadsDir: null,
  cacheEntries: 16,
};

/**
 * Everything a route handler may use.
 *
 * @example
 * export function registerHealth(app: FastifyInstance, ctx: ServerContext): void { … }
 */
export interface ServerContext {
  options: ServerOptions;
  roots: AllowedRoot[];
  /** How video routes read their body. */
  videoRequest: VideoRequestOptions;
  store: EmbeddingStore;
  space: EmbeddingSpace;
  model: VideoMAE;
  classifier?: SavedModel;
  queue: InferenceQueue;
  embeddings: EmbeddingService;
  collection: Collection;
  metrics: ServerMetrics;
  routes: RouteTable;
  startedAt: number;
  /** Set when shutdown begins: new requests get 503, in-flight ones finish. */
  closing: boolean;
}
