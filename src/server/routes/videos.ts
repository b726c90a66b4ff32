/** The collection: `GET /v1/videos`, `GET /v1/videos/:id` and a video's thumbnail. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { mediaUrl } from "./media.js";
import { listQuerySchema, videoDetailSchema, videoIdParamsSchema, videoListSchema } from "../schemas.js";

/**
 * Registers the collection routes.
 *
 * @example
 * // curl 'http://127.0.0.1:8080/v1/videos?status=failed'
 * // curl 'http://127.0.0.1:8080/v1/videos?label=cat&q=garden&sort=added-desc&offset=24&limit=24'
 * registerVideos(app, ctx);
 */
export function registerVideos(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/videos",
    summary: "List stored videos",
    description:
      "A page of the collection's videos with their status in the server's embedding space: filtered by status, " +
      "exact `label` and case-insensitive text `q` in the path, ordered by the date they were added (`sort`), " +
      "`offset`/`limit` of `total` matches; `labels` counts every label of the collection.",
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
    description:
      "The video's status, probe facts, clips (time ranges and frame indices) and the URL a browser plays it from.",
    params: videoIdParamsSchema,
    response: videoDetailSchema,
    errors: [400, 401, 404],
    handler: async ({ params }) => ({
      ...(await ctx.collection.detail(params.id)),
      mediaUrl: mediaUrl(ctx.options.apiKey, params.id),
    }),
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
