/** `GET /metrics`: Prometheus text exposition. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";

/**
 * Registers `GET /metrics`.
 *
 * @example
 * // curl -H 'Authorization: Bearer KEY' http://127.0.0.1:8080/metrics
 * registerMetrics(app, ctx);
 */
export function registerMetrics(app: FastifyInstance, ctx: ServerContext): void {
  const { registry } = ctx.metrics;
  ctx.routes.add(app, {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics",
    description: "Requests by route and status, latency, queue occupancy, inference time, process metrics.",
    response: { mediaType: registry.contentType },
    errors: [401],
    handler: async ({ reply }) => reply.type(registry.contentType).send(await registry.metrics()),
  });
}
