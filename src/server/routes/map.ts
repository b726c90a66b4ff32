/** `GET /v1/map`: the collection's 2-D map (src/map's MapData), for the page or any client. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { mapQuerySchema, mapResponseSchema } from "../schemas.js";

/**
 * Registers `GET /v1/map`.
 *
 * @example
 * // curl 'http://127.0.0.1:8080/v1/map?method=umap&seed=1'
 * registerMap(app, ctx);
 */
export function registerMap(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/v1/map",
    summary: "Map of the collection",
    description:
      "Every stored video (or clip) as a point of a PCA, LDA, t-SNE or UMAP projection (seeded), with labels, " +
      "legend colours and nearest neighbours. Cached until the collection changes; built in the inference queue.",
    query: mapQuerySchema,
    response: mapResponseSchema,
    errors: [400, 401, 422, 503],
    handler: async ({ query }) => (await ctx.collection.map(query)).data,
  });
}
