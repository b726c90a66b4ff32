/**
 * `POST /v1/analyze`: everything the page shows about a new video from one upload — labels, nearest stored
 * videos, the stored moments (clips with time ranges) that look like its clips, its place on a map — and, when
 * asked and allowed, stores it. Searches run before storing, so a stored video is not its own neighbour.
 */
import type { FastifyInstance } from "fastify";
import { VidmaeError } from "../../errors.js";
import { classify, type Labels } from "../classification.js";
import { summarize } from "../collection.js";
import type { ServerContext } from "../context.js";
import { publicInfo } from "../embedding.js";
import { HttpError } from "../http-errors.js";
import type { MapMethod } from "../../map/project.js";
import { analyzeQuerySchema, analyzeResponseSchema } from "../schemas.js";
import { storeVideo } from "../store-video.js";
import { clientGone, withVideo } from "../video-request.js";
import { storeWish } from "./embed.js";

/**
 * Where `vector` falls on the collection's video map, or null while the collection is too small for one.
 *
 * @example
 * await placeOnMap(ctx, "pca", video.embedding.vector); // { method: "pca", x: 0.3, y: -1.2 }
 */
export async function placeOnMap(ctx: ServerContext, method: MapMethod, vector: Float32Array) {
  try {
    const { model } = await ctx.collection.map({ method, level: "video", seed: 0, color: "label" });
    const [[x, y]] = await model.place(vector);
    return { method, x, y };
  } catch (error) {
    if (error instanceof VidmaeError && error.code === "E_DATA") return null;
    throw error;
  }
}

/**
 * Registers `POST /v1/analyze`.
 *
 * @example
 * // curl -F file=@cat.mp4 -F store=1 -F label=cat 'http://127.0.0.1:8080/v1/analyze?k=6&map=pca'
 * registerAnalyze(app, ctx);
 */
export function registerAnalyze(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "POST",
    url: "/v1/analyze",
    summary: "Everything about a new video, from one upload",
    description:
      "Embeds the video once and answers its top-k labels (`labels`, null when the server cannot classify), its " +
      "k nearest stored videos (`hits`), the k stored clips nearest to any of its clips with both time ranges " +
      "(`moments`), and with map=METHOD its place on that map. With `store=1` and an optional `label` (query or " +
      "form fields) it is then stored, as by `POST /v1/embed`.",
    query: analyzeQuerySchema,
    videoBody: true,
    response: analyzeResponseSchema,
    errors: [400, 401, 403, 404, 413, 415, 422, 503, 504],
    handler: ({ query, request, reply }) =>
      withVideo(request, ctx.videoRequest, true, async (input, body) => {
        const { store, label } = storeWish(body, query);
        const video = await ctx.embeddings.embed(input, clientGone(reply));
        const { vector, clips } = video.embedding;
        let labels: Labels | null = null;
        try {
          labels = classify(video.embedding, ctx.model, ctx.classifier, query.k);
        } catch (error) {
          // A server without head or classifier still finds neighbours.
          if (!(error instanceof HttpError && error.code === "E_NO_CLASSIFIER")) throw error;
        }
        const search = { k: query.k, metric: query.metric };
        const hits = await ctx.collection.similarToVector(vector, { ...search, level: "video" });
        const moments = await ctx.collection.moments(clips, search);
        const point = query.map ? await placeOnMap(ctx, query.map, vector) : null;
        let stored = null;
        if (store) {
          const record = await storeVideo(ctx.store, ctx.space, input, video, {
            uploadsDir: ctx.options.uploadsDir,
            label,
          });
          ctx.collection.changed();
          stored = summarize(record, await ctx.store.status(ctx.space.id, record.id));
        }
        return { name: video.name, labels, hits, moments, point, stored, info: publicInfo(video.info) };
      }),
  });
}
