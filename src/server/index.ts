/**
 * `vidmae/server`: The HTTP service: the fastify app, its options, the inference queue, HTTP errors.
 *
 * @example
 * import { buildApp } from "vidmae/server";
 * const app = await buildApp({ store, embedder, modelName: "MCG-NJU/videomae-base-finetuned-kinetics" });
 * await app.listen({ port: 8080, host: "127.0.0.1" });
 */
export { buildApp, type AppDeps } from "./app.js";
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from "./context.js";
export { startServer, closeOnSignals, type RunningServer, type ListenOptions } from "./main.js";
export { InferenceQueue, type QueueOptions, type QueueStats } from "./queue.js";
export { HttpError, SERVER_ERROR_CODES, type HttpErrorCode } from "./http-errors.js";
