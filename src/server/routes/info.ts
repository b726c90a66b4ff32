/** `GET /v1/info`: what a client (the page) needs to know about the server before offering its actions. */
import type { FastifyInstance } from "fastify";
import { VERSION } from "../../version.js";
import type { ServerContext } from "../context.js";
import { serverInfoSchema } from "../schemas.js";

/**
 * Registers `GET /v1/info`.
 *
 * @example
 * // curl http://127.0.0.1:8080/v1/info  →  {"version":"0.1.0","head":true,"storesUploads":false,…}
 * registerInfo(app, ctx, "model.json");
 */
export function registerInfo(app: FastifyInstance, ctx: ServerContext, classifierName?: string): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/info",
    summary: "What this server offers",
    description:
      "Its version and embedding space, whether it classifies (the checkpoint's `head`, the `classifier` it was " +
      "started with), whether uploads can be stored in the collection, and the largest upload.",
    response: serverInfoSchema,
    errors: [401],
    handler: async () => ({
      version: VERSION,
      space: { id: ctx.space.id, key: ctx.space.key },
      head: ctx.model.kind === "classification",
      classifier: ctx.classifier ? (classifierName ?? "classifier") : null,
      storesUploads: ctx.options.uploadsDir !== null,
      maxUploadBytes: ctx.options.maxUploadBytes,
    }),
  });
}
