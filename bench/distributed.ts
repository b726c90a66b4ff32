/**
 * Distributed embedding on one machine: throughput with 1, 2 and 4 `vidmae worker` processes over a small model,
 * against one local process, and what the queue costs per job, so the scaling to N machines can be estimated.
 *
 * Redis: VIDMAE_TEST_REDIS, else a private `redis-server` from PATH. Store: VIDMAE_TEST_POSTGRES (a schema of its
 * own, dropped after), else a SQLite file the workers share.
 */
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { addJobs, enqueueCollection, jobData } from "../src/distributed/enqueue.js";
import { EmbedQueue } from "../src/distributed/queue.js";
import { waitForRun } from "../src/distributed/wait.js";
import { embedCollection } from "../src/embed/collection.js";
import { Embedder } from "../src/embed/embedder.js";
import { VideoMAE } from "../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../src/model/videomae/random.js";
import { SqliteStore } from "../src/store/sqlite.js";
import type { EmbeddingStore } from "../src/store/types.js";
import {
  type CliProcess,
  POSTGRES,
  PrivateRedis,
  REDIS,
  newQueueName,
  newSchema,
  redisServerBinary,
  startWorkers,
} from "../test/distributed/helpers.js";
import { makeVideo } from "../test/helpers/synthetic-videos.js";

const VIDEOS = 24;
const SAMPLING = { strategy: "clips", clips: 2, frameSampleRate: 4 } as const;
const WORKER_COUNTS = [1, 2, 4];

/** A small VideoMAE: 8 frames of 112², hidden 128, 2 layers (a few ms a clip, so the queue's cost shows). */
async function smallModel(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "distributed-model");
  if (!existsSync(join(dir, "model.safetensors")))
    await writeRandomCheckpoint(dir, {
      config: {
        hidden_size: 128,
        num_attention_heads: 4,
        intermediate_size: 256,
        num_hidden_layers: 2,
        image_size: 112,
        patch_size: 16,
        num_frames: 8,
      },
    });
  return dir;
}

async function videoSet(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "distributed-videos-v2");
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < VIDEOS; i++) {
    const name = `v${i}.mp4`;
    if (!existsSync(join(dir, name)))
      await makeVideo(dir, {
        name,
        width: 160,
        height: 120,
        frames: 64 + i, // distinct content: a video is identified by its hash
        source: i % 2 ? "mandelbrot" : "testsrc2",
      });
  }
  return dir;
}

/** A new empty store the workers reach, as a `--db` argument, and how to open and remove it. */
async function freshStore(cacheDir: string, n: number) {
  if (POSTGRES) {
    const schema = await newSchema();
    return { db: schema.url, open: (): Promise<EmbeddingStore> => schema.open(), remove: schema.drop };
  }
  const db = join(cacheDir, `distributed-${n}.db`);
  await rm(db, { force: true });
  return {
    db,
    open: (): Promise<EmbeddingStore> => SqliteStore.open(db),
    remove: () => rm(db, { force: true }),
  };
}

/**
 * Videos/s with 1, 2 and 4 worker processes (worker start-up not counted), one local process for comparison, the
 * coordinator's cost per enqueued video, and the queue's cost per job (a job whose video is stored already: take,
 * lock, one store read, acknowledge).
 *
 * @example
 * const r = await benchDistributed({ cacheDir: "bench/.cache" }); // { videos_per_s_2_workers: 3.1, … }
 */
export async function benchDistributed(opts: { cacheDir: string }): Promise<Record<string, unknown>> {
  const binary = redisServerBinary();
  if (!REDIS && !binary) return { skipped: "no Redis: set VIDMAE_TEST_REDIS or install redis-server" };
  const privateRedis = REDIS ? null : await PrivateRedis.start(binary!);
  const redisUrl = REDIS ?? privateRedis!.url;
  const graphs = join(opts.cacheDir, "graphs-distributed");
  const [modelDir, videos] = await Promise.all([smallModel(opts.cacheDir), videoSet(opts.cacheDir)]);
  const model = await VideoMAE.fromDirectory(modelDir, { cacheDir: graphs, threads: 1 });
  const embedder = await Embedder.create(model, { sampling: SAMPLING });
  const figures: Record<string, unknown> = { store: POSTGRES ? "postgres" : "sqlite", videos: VIDEOS };
  try {
    // One process, one thread, as each worker runs (decoding still overlaps inference there).
    const local = await freshStore(opts.cacheDir, 0);
    const localStore = await local.open();
    const t0 = performance.now();
    await embedCollection(localStore, embedder, [videos], { modelName: modelDir });
    figures.videos_per_s_local_1_thread = VIDEOS / ((performance.now() - t0) / 1000);
    await localStore.close();
    await local.remove();

    for (const n of WORKER_COUNTS) {
      const target = await freshStore(opts.cacheDir, n);
      const store = await target.open();
      const queue = await EmbedQueue.connect(redisUrl, { name: newQueueName() });
      const workers: CliProcess[] = await startWorkers(n, graphs, redisUrl, target.db, queue.name, [
        "--threads",
        "1",
      ]);
      try {
        const started = performance.now();
        const run = await enqueueCollection(store, queue, embedder, [videos], { modelName: modelDir });
        const enqueued = performance.now();
        const summary = await waitForRun(store, queue, run, { pollMs: 50 });
        const seconds = (performance.now() - started) / 1000;
        if (summary.done !== VIDEOS) throw new Error(`only ${summary.done} of ${VIDEOS} videos embedded`);
        figures[`videos_per_s_${n}_worker${n > 1 ? "s" : ""}`] = VIDEOS / seconds;
        if (n === 1) {
          figures.enqueue_ms_per_video = (enqueued - started) / VIDEOS;
          // Every video is stored now: jobs for them measure the queue alone.
          const stored = await store.listVideos(run.space.id);
          const jobs = stored.map((v) => ({
            jobId: `again-${v.id}`,
            data: jobData(v, run.space.key, run.settings),
          }));
          const t1 = performance.now();
          await addJobs(queue, jobs, 1, 0);
          while (Object.values(await queue.queue.getJobCounts("waiting", "active")).some((c) => c > 0))
            await new Promise((resolve) => setTimeout(resolve, 5));
          figures.queue_overhead_ms_per_job = (performance.now() - t1) / jobs.length;
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await queue.queue.obliterate({ force: true });
        await queue.close();
        await store.close();
        await target.remove();
      }
    }
    const one = figures.videos_per_s_1_worker as number;
    figures.speedup_2_workers = (figures.videos_per_s_2_workers as number) / one;
    figures.speedup_4_workers = (figures.videos_per_s_4_workers as number) / one;
    return figures;
  } finally {
    await model.release();
    await privateRedis?.remove();
  }
}
