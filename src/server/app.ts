/**
 * The HTTP service as a Fastify app, built from injected parts (store, embedder, optional classifier, options)
 * so tests drive it in-process with `app.inject` and main.ts only adds listening and signals.
 */
import { mkdir } from "node:fs/promises";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { SavedModel } from "../classify/model-file.js";
import type { Embedder } from "../embed/embedder.js";
import { spaceSpecFor } from "../embed/space.js";
import type { EmbeddingStore } from "../store/types.js";
import { bearerAuth } from "./auth.js";
import { Collection } from "./collection.js";
import {
  DEFAULT_SERVER_OPTIONS,
  checkConnectionLimits,
  type ServerContext,
  type ServerOptions,
} from "./context.js";
import { EmbeddingService } from "./embedding.js";
import { HttpError, connectionErrorHandler, errorHandler } from "./http-errors.js";
import { ServerMetrics } from "./metrics.js";
import { allowedRoots } from "./paths.js";
import { InferenceQueue } from "./queue.js";
import { RouteTable } from "./route.js";
import { registerAnalyze } from "./routes/analyze.js";
import { registerClassify } from "./routes/classify.js";
import { registerDocs } from "./routes/docs.js";
import { registerEmbed } from "./routes/embed.js";
import { registerHealth } from "./routes/health.js";
import { registerInfo } from "./routes/info.js";
import { registerMap } from "./routes/map.js";
import { registerMedia, signedMediaRequest } from "./routes/media.js";
import { registerMetrics } from "./routes/metrics.js";
import { registerPage } from "./routes/page.js";
import { registerSimilar } from "./routes/similar.js";
import { registerVideos } from "./routes/videos.js";

/**
 * Largest JSON body, in bytes: a path and two flags need far less; a larger one is 413 `E_UPLOAD_TOO_LARGE`.
 *
 * @example
 * JSON_BODY_LIMIT; // 65536
 */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * What {@link buildApp} needs. The caller owns the store and the model: it closes them after the app.
 *
 * @example
 * const deps: AppDeps = { store, embedder, modelName: "MCG-NJU/videomae-base-finetuned-kinetics",
 *   options: { apiKey: "s3cret", allowedRoots: ["/srv/videos"] } };
 */
export interface AppDeps {
  store: EmbeddingStore;
  embedder: Embedder;
  /** The model as the user named it (recorded in the embedding space). */
  modelName: string;
  /** A model from `vidmae train`, checked against the server's embedding space. */
  classifier?: SavedModel;
  /** Names the classifier in messages (its file). */
  classifierName?: string;
  options?: Partial<ServerOptions>;
  /** The inference queue; by default one from `options.concurrency` and `options.queueSize`. */
  queue?: InferenceQueue;
  /** Fastify's logger option. @defaultValue false */
  logger?: FastifyServerOptions["logger"];
}

/**
 * Builds the app: resolves the allowed roots, creates the temp dir, ensures the model's embedding space in the
 * store, checks the classifier against it, and registers every route.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for a bad root or connection limit, `E_DATA` for a classifier of
 *   another space
 * @example
 * const app = await buildApp({ store, embedder, modelName: "videomae-base" });
 * const res = await app.inject({ method: "GET", url: "/healthz" });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...deps.options };
  checkConnectionLimits(options);
  const roots = await allowedRoots(options.allowedRoots);
  await mkdir(options.tmpDir, { recursive: true, mode: 0o700 });
  const space = await deps.store.ensureSpace(await spaceSpecFor(deps.embedder, deps.modelName));
  deps.classifier?.checkSpace(space, deps.classifierName);
  const queue =
    deps.queue ?? new InferenceQueue({ concurrency: options.concurrency, maxWaiting: options.queueSize });
  const metrics = new ServerMetrics(queue);
  const ctx: ServerContext = {
    options,
    roots,
    videoRequest: { tmpDir: options.tmpDir, maxUploadBytes: options.maxUploadBytes, roots },
    store: deps.store,
    space,
    model: deps.embedder.model,
    classifier: deps.classifier,
    queue,
    embeddings: new EmbeddingService(
      deps.embedder,
      queue,
      { maxDurationSec: options.maxDurationSec, maxPixels: options.maxPixels, timeoutMs: options.timeoutMs },
      { cacheEntries: options.cacheEntries, onInference: metrics.observeInference },
    ),
    collection: new Collection(deps.store, space, {
      queue,
      thumbnails: new InferenceQueue({ concurrency: 2, maxWaiting: 64 }),
      classifier: deps.classifier?.classifier,
    }),
    metrics,
    routes: new RouteTable(),
    startedAt: performance.now(),
    closing: false,
  };

  const app = Fastify({
    logger: deps.logger ?? false,
    // JSON bodies are a path and two flags; uploads are multipart, limited separately (uploads.ts).
    bodyLimit: JSON_BODY_LIMIT,
    // Slow senders cannot hold sockets: headers must arrive within headersTimeoutMs, the whole request (upload
    // included, processing not) within requestTimeoutMs, and an idle keep-alive connection lasts
    // keepAliveTimeoutMs. No socket inactivity timeout: it would also cut requests waiting for inference.
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    http: {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node checks both timeouts only this often (30 s by default): often enough that a limit is kept.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, options.headersTimeoutMs / 4)),
    },
    clientErrorHandler: connectionErrorHandler,
    // Keep-alive connections with no request in flight are closed at shutdown; busy ones finish.
    forceCloseConnections: "idle",
    // Our own hook answers 503 during shutdown, in the service's JSON error shape.
    return503OnClosing: false,
  });
  // Sockets over the cap are closed as they are accepted, before any of their bytes is read.
  app.server.maxConnections = options.maxConnections;
  await app.register(multipart);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request) => {
    throw new HttpError(404, "E_NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}`);
  });
  app.addHook("onRequest", async () => {
    if (ctx.closing)
      throw new HttpError(503, "E_SHUTTING_DOWN", "The server is shutting down", { connection: "close" });
  });
  const bearer = bearerAuth(options.apiKey);
  // A <video> cannot send the key: a signed URL stands in for it on the file route (see routes/media.ts).
  const signed = signedMediaRequest(options.apiKey);
  app.addHook("onRequest", async (request) => {
    if (!signed(request)) await bearer(request);
  });
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    // Shutdown closes idle keep-alive connections once; a request finishing later must close its own.
    if (ctx.closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", metrics.onResponse);
  app.addHook("preClose", async () => {
    ctx.closing = true;
  });
  // Jobs whose clients timed out may still run: let them stop before the caller closes the model and store.
  app.addHook("onClose", async () => queue.idle());

  registerPage(app, ctx);
  registerHealth(app, ctx);
  registerInfo(app, ctx, deps.classifierName);
  registerAnalyze(app, ctx);
  registerEmbed(app, ctx);
  registerClassify(app, ctx);
  registerVideos(app, ctx);
  registerMedia(app, ctx);
  registerSimilar(app, ctx);
  registerMap(app, ctx);
  registerMetrics(app, ctx);
  registerDocs(app, ctx);
  return app;
}
