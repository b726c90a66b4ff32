/** What the routes share: the server's options and the services built once per app. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SavedModel } from "../classify/model-file.js";
import { invalidParameterError } from "../errors.js";
import type { VideoMAE } from "../model/videomae/model.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { EmbeddingStore } from "../store/types.js";
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
  /** Time a client has to send its request headers, in milliseconds: slow-loris senders are cut off. */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, upload included, in milliseconds (processing not counted). */
  requestTimeoutMs: number;
  /** How long a keep-alive connection with no request stays open, in milliseconds. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
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
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
};

/**
 * Checks the connection limits, so a bad value is one line naming the option instead of Node refusing to create
 * the server (or, for a zero, a limit silently switched off).
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` naming the option
 * @example
 * checkConnectionLimits({ ...DEFAULT_SERVER_OPTIONS, maxConnections: 0 });
 * // throws: Expected positive integer for maxConnections but received 0 of type number
 */
export function checkConnectionLimits(options: ServerOptions): void {
  const names = ["headersTimeoutMs", "requestTimeoutMs", "keepAliveTimeoutMs", "maxConnections"] as const;
  for (const name of names)
    if (!Number.isSafeInteger(options[name]) || options[name] <= 0)
      throw invalidParameterError(name, "positive integer", options[name]);
  if (options.headersTimeoutMs > options.requestTimeoutMs)
    throw invalidParameterError(
      "headersTimeoutMs",
      `integer at most requestTimeoutMs (${options.requestTimeoutMs})`,
      options.headersTimeoutMs,
    );
}

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
