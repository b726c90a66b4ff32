/** `POST /v1/classify`: a video's labels from the checkpoint's head and/or the trained classifier. */
import type { FastifyInstance } from "fastify";
import { classify } from "../classification.js";
import type { ServerContext } from "../context.js";
import { publicInfo } from "../embedding.js";
import { classifyQuerySchema, classifyResponseSchema } from "../schemas.js";
import { clientGone, withVideo } from "../video-request.js";

/**
 * Registers `POST /v1/classify`.
 *
 * @example
 * // curl -F file=@cat.mp4 'http://127.0.0.1:8080/v1/classify?k=3'
 * registerClassify(app, ctx);
 */
export function registerClassify(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "POST",
    url: "/v1/classify",
    summary: "Classify a video",
    description:
      "Top-k labels with scores from the checkpoint's classification head (`head`) and from the classifier " +
      "the server was started with (`classifier`); each is null when the server lacks it. Nothing is stored.",
    query: classifyQuerySchema,
    videoBody: true,
    response: classifyResponseSchema,
    errors: [400, 401, 403, 404, 413, 415, 422, 501, 503, 504],
    handler: ({ query, request, reply }) =>
      withVideo(request, ctx.videoRequest, false, async (input) => {
        const video = await ctx.embeddings.embed(input, clientGone(reply));
        return {
          name: video.name,
          ...classify(video.embedding, ctx.model, ctx.classifier, query.k),
          info: publicInfo(video.info),
        };
      }),
  });
}
