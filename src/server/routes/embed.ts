/** `POST /v1/embed`: a video's embedding (video and clip vectors); stored in the collection on request. */
import type { FastifyInstance } from "fastify";
import { summarize } from "../collection.js";
import type { ServerContext } from "../context.js";
import { publicInfo } from "../embedding.js";
import { HttpError } from "../http-errors.js";
import { embedQuerySchema, embedResponseSchema } from "../schemas.js";
import { storeVideo } from "../store-video.js";
import { clientGone, withVideo, type StoreRequest } from "../video-request.js";

/**
 * Whether to store the video and with which label, from the form or JSON body (first) or the query; a label
 * without storing is refused.
 *
 * @throws HttpError 400 for a label without store
 * @example
 * storeWish({ store: true }, { label: "cat" }); // { store: true, label: "cat" }
 */
export function storeWish(body: StoreRequest, query: StoreRequest): { store: boolean; label?: string } {
  const store = body.store ?? query.store ?? false;
  const label = body.label ?? query.label;
  if (label !== undefined && !store)
    throw new HttpError(400, "E_INVALID_ARGUMENT", "A label is only kept with store=1");
  return { store, label };
}

/**
 * Registers `POST /v1/embed`.
 *
 * @example
 * // curl -F file=@cat.mp4 'http://127.0.0.1:8080/v1/embed?store=1&label=cat'
 * // curl -F file=@cat.mp4 -F store=1 -F label=cat http://127.0.0.1:8080/v1/embed
 * registerEmbed(app, ctx);
 */
export function registerEmbed(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "POST",
    url: "/v1/embed",
    summary: "Embed a video",
    description:
      "Video and clip vectors of an uploaded video (multipart field `file`) or of a file under an allowed root " +
      '(JSON `{"path"}`). With `store=1` (in the query, as a form field, or `"store": true`) the video is stored ' +
      "in the collection, with an optional `label` (likewise); otherwise nothing is stored.",
    query: embedQuerySchema,
    videoBody: true,
    response: embedResponseSchema,
    errors: [400, 401, 403, 404, 413, 415, 422, 503, 504],
    handler: ({ query, request, reply }) =>
      withVideo(request, ctx.videoRequest, true, async (input, body) => {
        const { store, label } = storeWish(body, query);
        const video = await ctx.embeddings.embed(input, clientGone(reply));
        let record = null;
        if (store) {
          record = await storeVideo(ctx.store, ctx.space, input, video, {
            uploadsDir: ctx.options.uploadsDir,
            label,
          });
          ctx.collection.changed();
        }
        const { vector, clips } = video.embedding;
        return {
          name: video.name,
          stored: store,
          video: record ? summarize(record, await ctx.store.status(ctx.space.id, record.id)) : null,
          space: { id: ctx.space.id, key: ctx.space.key },
          dim: vector.length,
          vector: Array.from(vector),
          clips: clips.map((c) => ({
            clipIndex: c.clipIndex,
            crop: c.crop,
            startSec: c.startSec,
            endSec: c.endSec,
            frameIndices: c.frameIndices,
            vector: Array.from(c.vector),
          })),
          info: publicInfo(video.info),
        };
      }),
  });
}
