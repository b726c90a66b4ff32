/** Nearest stored videos: of a stored video (`GET /v1/videos/:id/similar`) or of a new one (`POST /v1/similar`). */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { publicInfo } from "../embedding.js";
import {
  similarQuerySchema,
  similarResponseSchema,
  similarUploadQuerySchema,
  similarUploadResponseSchema,
  videoIdParamsSchema,
} from "../schemas.js";
import { clientGone, withVideo } from "../video-request.js";
import { placeOnMap } from "./analyze.js";

/**
 * Registers the similarity routes.
 *
 * @example
 * // curl 'http://127.0.0.1:8080/v1/videos/3/similar?k=5&level=clip'
 * registerSimilar(app, ctx);
 */
export function registerSimilar(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/videos/:id/similar",
    summary: "Videos similar to a stored video",
    description:
      "The k nearest stored videos (or clips, with their time ranges, at level=clip), exact search, the video " +
      "itself left out.",
    params: videoIdParamsSchema,
    query: similarQuerySchema,
    response: similarResponseSchema,
    errors: [400, 401, 404],
    handler: async ({ params, query }) => ({
      videoId: params.id,
      hits: await ctx.collection.similarToVideo(params.id, query),
    }),
  });
  ctx.routes.add(app, {
    method: "POST",
    url: "/v1/similar",
    summary: "Stored videos similar to a new video",
    description:
      "Embeds the video (not stored) and returns its k nearest stored videos or clips; with map=METHOD also " +
      "where it falls on that map (null while the collection is too small for one).",
    query: similarUploadQuerySchema,
    videoBody: true,
    response: similarUploadResponseSchema,
    errors: [400, 401, 403, 404, 413, 415, 422, 503, 504],
    handler: ({ query, request, reply }) =>
      withVideo(request, ctx.videoRequest, false, async (input) => {
        const video = await ctx.embeddings.embed(input, clientGone(reply));
        const { vector } = video.embedding;
        const hits = await ctx.collection.similarToVector(vector, query);
        const point = query.map ? await placeOnMap(ctx, query.map, vector) : null;
        return { name: video.name, hits, point, info: publicInfo(video.info) };
      }),
  });
}
