/** The collection: `GET /v1/videos`, `GET /v1/videos/:id` and a video's thumbnail. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { listQuerySchema, videoDetailSchema, videoIdParamsSchema, videoListSchema } from "../schemas.js";

/**
 * Registers the collection routes.
 *
 * @example
 * // curl 'http://127.0.0.1:8080/v1/videos?status=failed'
 * registerVideos(app, ctx);
 */
export function registerVideos(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/videos",
    summary: "List stored videos",
    description: "Videos of the collection with their status in the server's embedding space, by id.",
    query: listQuerySchema,
    response: videoListSchema,
    errors: [400, 401],
    handler: async ({ query }) => ({
      ...(await ctx.collection.list(query)),
      offset: query.offset,
      limit: query.limit,
    }),
  });
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/videos/:id",
    summary: "One stored video",
    description: "The video's status, probe facts and clips (time ranges and frame indices).",
    params: videoIdParamsSchema,
    response: videoDetailSchema,
    errors: [400, 401, 404],
    handler: ({ params }) => ctx.collection.detail(params.id),
  });
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/videos/:id/thumbnail",
    summary: "A stored video's thumbnail",
    description: "Its middle frame as a PNG, at most 160 pixels a side.",
    params: videoIdParamsSchema,
    response: { mediaType: "image/png" },
    errors: [400, 401, 404, 503],
    handler: async ({ params, reply }) =>
      reply
        .type("image/png")
        .header("cache-control", "private, max-age=3600")
        .send(await ctx.collection.thumbnail(params.id)),
  });
}
