/**
 * `vidmae/server`: The HTTP service: the fastify app, its options, the inference queue, HTTP errors.
 *
 * @example
 * import { buildApp } from "vidmae/server";
 * import { Embedder } from "vidmae/embed";
 * import { VideoMAE } from "vidmae/model";
 * import { openStore } from "vidmae/store";
 * const modelName = "MCG-NJU/videomae-base-finetuned-kinetics";
 * const [model, store] = [await VideoMAE.load(modelName), await openStore("vidmae.db")];
 * const app = await buildApp({ store, embedder: await Embedder.create(model), modelName });
 * const res = await app.inject({ method: "GET", url: "/healthz" }); // or: await app.listen({ port: 8080 })
 * console.log(res.statusCode, res.json().status); // → 200 ok
 * await app.close(); // then the caller's own model and store
 * await Promise.all([model.release(), store.close()]);
 */
export { buildApp, type AppDeps } from "./app.js";
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from "./context.js";
export { startServer, closeOnSignals, type RunningServer, type ListenOptions } from "./main.js";
export { InferenceQueue, type QueueOptions, type QueueStats } from "./queue.js";
export { HttpError, SERVER_ERROR_CODES, type HttpErrorCode } from "./http-errors.js";
