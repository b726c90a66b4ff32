import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serveMetrics } from "../../src/distributed/metrics.js";
import { WorkerStats } from "../../src/distributed/stats.js";

describe("worker statistics", () => {
  it("counts outcomes, clips and durations, and rates over the last minute", () => {
    const stats = new WorkerStats("host-1:42", "vidmae-embed");
    stats.begin();
    stats.end("done", 0.3, 4);
    stats.begin();
    stats.end("retried", 2);
    stats.begin();
    stats.models.add("/models/tiny@local");
    const s = stats.snapshot();
    assert.deepEqual(
      [s.id, s.queue, s.active, s.done, s.retried, s.failed, s.skipped, s.clips, s.models],
      ["host-1:42", "vidmae-embed", 1, 1, 1, 0, 0, 4, ["/models/tiny@local"]],
    );
    assert.ok(s.videosPerSec > 0 && s.clipsPerSec === 4 * s.videosPerSec);
  });

  it("serves Prometheus text at /metrics", async () => {
    const stats = new WorkerStats('host "1"', "q");
    stats.begin();
    stats.end("done", 0.3, 4);
    const server = await serveMetrics(stats, { port: 0, host: "127.0.0.1" });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      const text = await response.text();
      for (const line of [
        'vidmae_worker_info{worker="host \\"1\\"",queue="q",version="0.1.0"} 1',
        "# TYPE vidmae_worker_jobs_total counter",
        'vidmae_worker_jobs_total{outcome="done"} 1',
        'vidmae_worker_jobs_total{outcome="failed"} 0',
        "vidmae_worker_clips_total 4",
        "vidmae_worker_active_jobs 0",
        'vidmae_worker_job_duration_seconds_bucket{le="0.25"} 0',
        'vidmae_worker_job_duration_seconds_bucket{le="0.5"} 1',
        'vidmae_worker_job_duration_seconds_bucket{le="+Inf"} 1',
        "vidmae_worker_job_duration_seconds_sum 0.3",
        "vidmae_worker_job_duration_seconds_count 1",
      ])
        assert.ok(text.split("\n").includes(line), line);
      assert.match(text, /^process_resident_memory_bytes \d+$/m);
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
