/**
 * Prometheus metrics of one app, in a registry of its own (several apps in one process, as in tests, do not
 * collide): requests by route and status, their latency, the queue's occupancy, inference time, and the process
 * metrics prom-client collects by default.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { InferenceQueue } from "./queue.js";

/**
 * The metrics of one app and the hooks that feed them.
 *
 * @example
 * const metrics = new ServerMetrics(queue);
 * app.addHook("onResponse", metrics.onResponse);
 * await metrics.registry.metrics(); // Prometheus text
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route">;
  private readonly inference: Histogram;

  constructor(queue: InferenceQueue) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "vidmae_" });
    this.requests = new Counter({
      name: "vidmae_http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "vidmae_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.inference = new Histogram({
      name: "vidmae_inference_seconds",
      help: "Time to probe, decode, preprocess and embed one video",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    });
    new Gauge({
      name: "vidmae_queue_running",
      help: "Inference jobs running",
      registers,
      collect() {
        this.set(queue.stats.running);
      },
    });
    new Gauge({
      name: "vidmae_queue_waiting",
      help: "Inference jobs waiting",
      registers,
      collect() {
        this.set(queue.stats.waiting);
      },
    });
  }

  /** `onResponse` hook: counts the request and records its latency under its route pattern. */
  readonly onResponse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // The pattern, not the URL: `/v1/videos/:id`, so ids do not explode the label set.
    const route = request.routeOptions.url ?? "unmatched";
    this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    this.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  };

  /** Records one video's processing time. */
  readonly observeInference = (seconds: number): void => {
    this.inference.observe(seconds);
  };
}
