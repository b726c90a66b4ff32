/**
 * `GET /docs`: the OpenAPI 3.1 document, generated from the same zod schemas that parse the requests (zod 4's
 * `toJSONSchema`), so it cannot drift from what the server accepts; @fastify/swagger would need the routes'
 * schemas a second time as JSON Schema or a type-provider dependency, for the same document.
 */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";

/**
 * Registers `GET /docs`; the document is made at the first request, when every route is registered.
 *
 * @example
 * // curl -H 'Authorization: Bearer KEY' http://127.0.0.1:8080/docs | jq '.paths | keys'
 * registerDocs(app, ctx);
 */
export function registerDocs(app: FastifyInstance, ctx: ServerContext): void {
  let document: object | undefined;
  ctx.routes.add(app, {
    method: "GET",
    url: "/docs",
    summary: "This OpenAPI document",
    response: { mediaType: "application/json" },
    errors: [401],
    handler: async () => (document ??= ctx.routes.openApi()),
  });
}
