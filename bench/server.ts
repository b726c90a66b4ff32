/**
 * `POST /v1/classify` over loopback: requests/s and p50/p95 latency with 4 and 16 concurrent clients, each
 * uploading a 2 s 320x240 H.264 video (multipart) to a real server on 127.0.0.1. The model is a small random-weight
 * VideoMAE (ViT-Tiny width: 192 hidden, 3 heads, 4 layers, 16 frames of 224², tubelet 2, patch 16; ~13 GFLOP a
 * clip), so decoding, preprocessing and HTTP weigh as much as inference. The embedding cache is off: every
 * request is embedded. Each level runs for a fixed time, so the bench is bounded.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Embedder } from "../src/embed/embedder.js";
import { VideoMAE } from "../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../src/model/videomae/random.js";
import { buildApp } from "../src/server/app.js";
import { startServer } from "../src/server/main.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { makeVideo } from "../test/helpers/synthetic-videos.js";

/** Seconds each concurrency level runs (after one warm-up request). */
const SECONDS = 8;
const LEVELS = [4, 16];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Runs the bench; figures are per level `c4`/`c16`: `rps`, `p50_ms`, `p95_ms`, and `errors` (non-200 answers).
 *
 * @example
 * const figures = await benchServer(); // { c4_rps: 3.1, c4_p50_ms: 1250, … }
 */
export async function benchServer(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), "vidmae-bench-server-"));
  const model = await (async () => {
    await writeRandomCheckpoint(join(dir, "model"), {
      kind: "classification",
      config: { hidden_size: 192, num_attention_heads: 3, intermediate_size: 768, num_hidden_layers: 4 },
      labels: Array.from({ length: 10 }, (_, i) => `class${i}`),
    });
    return VideoMAE.fromDirectory(join(dir, "model"), { cache: false });
  })();
  const store = await SqliteStore.open(join(dir, "bench.db"));
  const video = await readFile(
    await makeVideo(dir, { name: "clip.mp4", width: 320, height: 240, fps: 25, frames: 50 }),
  );
  const app = await buildApp({
    store,
    embedder: await Embedder.create(model),
    modelName: "bench-small",
    options: { tmpDir: join(dir, "tmp"), queueSize: 64, cacheEntries: 0 },
  });
  const server = await startServer(app, { port: 0, host: "127.0.0.1" });
  const classify = async (): Promise<number> => {
    const form = new FormData();
    form.append("file", new Blob([video]), "clip.mp4");
    const res = await fetch(`${server.url}/v1/classify`, { method: "POST", body: form });
    await res.arrayBuffer();
    return res.status;
  };
  const figures: Record<string, number> = {};
  try {
    await classify();
    for (const clients of LEVELS) {
      const latencies: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      const deadline = t0 + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const start = performance.now();
            const status = await classify();
            if (status === 200) latencies.push(performance.now() - start);
            else errors++;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      figures[`c${clients}_rps`] = latencies.length / seconds;
      figures[`c${clients}_p50_ms`] = percentile(latencies, 0.5);
      figures[`c${clients}_p95_ms`] = percentile(latencies, 0.95);
      figures[`c${clients}_errors`] = errors;
    }
  } finally {
    await server.close();
    await model.release();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
