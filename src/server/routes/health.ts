/** `GET /healthz`: liveness for load balancers and tests; open without the API key, touches nothing slow. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { VERSION } from "../../version.js";
import { healthSchema } from "../schemas.js";

/**
 * Registers `GET /healthz`.
 *
 * @example
 * // curl http://127.0.0.1:8080/healthz  →  {"status":"ok","version":"0.1.0","uptimeSec":12.3,"queue":{…}}
 * registerHealth(app, ctx);
 */
export function registerHealth(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: "/healthz",
    summary: "Health check",
    description: "Open without the API key. `shutting-down` (503) once a graceful shutdown has begun.",
    response: healthSchema,
    errors: [503],
    open: true,
    handler: async ({ reply }) => {
      if (ctx.closing) reply.status(503);
      return {
        status: ctx.closing ? "shutting-down" : "ok",
        version: VERSION,
        uptimeSec: (performance.now() - ctx.startedAt) / 1000,
        queue: ctx.queue.stats,
      };
    },
  });
}
