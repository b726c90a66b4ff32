/**
 * The coordinator's library functions in one process against Redis (VIDMAE_TEST_REDIS; skipped without it), with
 * a SQLite store: idempotent enqueueing, recovery of jobs Redis lost, failures no worker could record, and what
 * `queue status` reports.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UnrecoverableError, Worker } from "bullmq";
import { enqueueCollection } from "../../src/distributed/enqueue.js";
import { QUEUE_PREFIX, jobIdFor } from "../../src/distributed/names.js";
import { EmbedQueue } from "../../src/distributed/queue.js";
import { formatQueueStatus, queueStatus } from "../../src/distributed/status.js";
import { waitForRun } from "../../src/distributed/wait.js";
import { runWorker } from "../../src/distributed/worker.js";
import { Embedder } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { type Fixture, REDIS, makeFixture, newQueueName } from "./helpers.js";

const SKIP = REDIS ? false : "set VIDMAE_TEST_REDIS=redis://127.0.0.1:6379 to run";

let fx: Fixture;
let model: VideoMAE;
let embedder: Embedder;
let n = 0;

before(async () => {
  if (SKIP) return;
  fx = await makeFixture();
  model = await VideoMAE.fromDirectory(fx.model, { cacheDir: fx.cache });
  embedder = await Embedder.create(model, { sampling: { strategy: "clips", clips: 2, frameSampleRate: 2 } });
});

after(async () => {
  await model?.release();
  if (fx) await rm(fx.dir, { recursive: true, force: true });
});

/** A new store and queue, closed and removed when `body` ends. */
async function withRun(body: (store: SqliteStore, queue: EmbedQueue) => Promise<void>): Promise<void> {
  const store = await SqliteStore.open(join(fx.dir, `run-${n++}.db`));
  const queue = await EmbedQueue.connect(REDIS!, { name: newQueueName() });
  try {
    await body(store, queue);
  } finally {
    await queue.queue.obliterate({ force: true });
    await queue.close();
    await store.close();
  }
}

const options = { modelName: "tiny", attempts: 2, retryDelayMs: 50 };
const fast = { pollMs: 50, reconcileEvery: 2 };

describe("the embedding queue", { skip: SKIP, timeout: 120_000 }, () => {
  it("adds each video's job once, however often the collection is enqueued", async () => {
    await withRun(async (store, queue) => {
      const first = await enqueueCollection(store, queue, embedder, [fx.videos], options);
      assert.deepEqual([first.summary.total, first.added, first.alreadyQueued], [6, 6, 0]);
      const [video] = await store.listVideos(first.space.id);
      assert.ok(first.jobs.some((j) => j.jobId === jobIdFor(first.space.key, video.contentHash)));
      assert.ok(
        first.jobs.every((j) => j.path.startsWith(fx.videos)),
        "absolute paths",
      );

      const second = await enqueueCollection(store, queue, embedder, [fx.videos], options);
      assert.deepEqual([second.added, second.alreadyQueued], [0, 6]);
      assert.equal(await queue.queue.count(), 6);

      const status = await queueStatus(queue);
      assert.deepEqual([status.waiting, status.active, status.failed, status.workers.length], [6, 0, 0, 0]);
      assert.match(formatQueueStatus(status), /waiting 6 {2}active 0 {2}retrying 0 {2}done 0 {2}failed 0/);
    });
  });

  it("enqueues again the jobs Redis lost, and finishes the run", async () => {
    await withRun(async (store, queue) => {
      const run = await enqueueCollection(store, queue, embedder, [fx.videos], options);
      // What a Redis restart without persistence does.
      await queue.queue.obliterate({ force: true });
      const worker = await runWorker(store, {
        queueUrl: REDIS!,
        queueName: queue.name,
        metricsPort: 0,
        metricsHost: "127.0.0.1",
        heartbeatMs: 100,
      });
      try {
        const summary = await waitForRun(store, queue, run, fast);
        assert.deepEqual([summary.done, summary.failed], [5, 1]);
        assert.equal(summary.clips, (await store.counts(run.space.id)).clips);
        const status = await queueStatus(queue);
        assert.equal(status.workers[0].id, worker.id);
        assert.equal(status.workers[0].done, 5);
        assert.ok(status.throughput.videosPerSec > 0);
      } finally {
        await worker.close();
      }
    });
  });

  it("records a failure that no worker could store", async () => {
    await withRun(async (store, queue) => {
      const run = await enqueueCollection(store, queue, embedder, [fx.corrupt], options);
      // A worker that dies on the video in a way no catch sees: BullMQ fails the job, the store knows nothing.
      const connection = queue.redis.duplicate({ maxRetriesPerRequest: null });
      const crashing = new Worker(
        queue.name,
        async () => {
          throw new UnrecoverableError("job stalled more than allowable limit");
        },
        { connection, prefix: QUEUE_PREFIX },
      );
      try {
        const summary = await waitForRun(store, queue, run, fast);
        assert.deepEqual(summary.failures, [
          { path: fx.corrupt, code: "E_WORKER", message: "job stalled more than allowable limit" },
        ]);
        const [video] = await store.listVideos(run.space.id, { status: "failed" });
        assert.equal(video.status?.errorCode, "E_WORKER");
        // Retrying replaces the failed job kept in Redis (BullMQ would ignore a new job under its id).
        const retry = await enqueueCollection(store, queue, embedder, [fx.corrupt], {
          ...options,
          retryFailed: true,
        });
        assert.deepEqual([retry.added, retry.jobs[0].attemptsBefore], [1, 1]);
      } finally {
        await crashing.close();
        connection.disconnect();
      }
    });
  });

  it("refuses a bad queue URL or name, and says when Redis cannot be reached", async () => {
    await assert.rejects(EmbedQueue.connect("http://x"), {
      code: "E_INVALID_ARGUMENT",
      message: 'Expected redis:// or rediss:// URL for queue but received "http://x" of type string',
    });
    await assert.rejects(EmbedQueue.connect(REDIS!, { name: "a:b" }), {
      code: "E_INVALID_ARGUMENT",
      message: 'Expected queue name (letters, digits, . _ -) for queueName but received "a:b" of type string',
    });
    await assert.rejects(
      EmbedQueue.connect("redis://:secret@127.0.0.1:1", { failFast: true, timeoutMs: 3000 }),
      {
        code: "E_IO",
        message: /^Cannot reach the queue at redis:\/\/127\.0\.0\.1:1: /,
      },
    );
  });
});
