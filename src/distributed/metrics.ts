/** A worker's `/metrics` endpoint for Prometheus, on plain node:http. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { wrapError } from "../errors.js";
import type { WorkerStats } from "./stats.js";

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** The port it listens on (the one picked when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `stats` as Prometheus text at `GET /metrics`; anything else is a 404.
 *
 * @param options.port - 0 picks a free port
 * @param options.host - the address to listen on @defaultValue "0.0.0.0"
 * @throws VidmaeError E_IO when the port cannot be bound
 * @example
 * const server = await serveMetrics(stats, { port: 9464 }); // curl http://host:9464/metrics
 */
export async function serveMetrics(
  stats: WorkerStats,
  options: { port: number; host?: string },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(stats.prometheus());
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("vidmae worker: metrics are at /metrics\n");
    }
  });
  const host = options.host ?? "0.0.0.0";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(wrapError(e, "E_IO", `Cannot serve metrics on ${host}:${options.port}`)),
    );
    server.listen(options.port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
