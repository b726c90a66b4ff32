/**
 * A coordinator and three worker processes of the built CLI on one machine, over Redis and PostgreSQL: the result
 * must be the single-process result, with each video embedded once, and must not change when a worker is killed
 * mid-job or Redis restarts mid-run. A corrupt video ends in the failed list after its retries.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { EmbedQueue } from "../../src/distributed/queue.js";
import type { EmbedSummary } from "../../src/embed/collection.js";
import {
  CliProcess,
  type Fixture,
  MediaServer,
  PrivateRedis,
  REDIS,
  SAMPLING,
  SKIP_SERVICES,
  type Schema,
  type StoredVideo,
  assertSameResult,
  makeFixture,
  newQueueName,
  newSchema,
  readStore,
  redisServerBinary,
  referenceRun,
  startWorkers,
  workerPid,
} from "./helpers.js";

let fx: Fixture;
let media: MediaServer;
let reference: Map<string, StoredVideo>;
const cleanups: (() => Promise<unknown>)[] = [];

before(async () => {
  if (SKIP_SERVICES) return;
  fx = await makeFixture();
  media = await MediaServer.start([fx.remote]);
  reference = await referenceRun(fx);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await media?.close();
  if (fx) await rm(fx.dir, { recursive: true, force: true });
});

/** A run's own schema and queue, removed at the end of the file. */
async function isolated(redis = REDIS!): Promise<{ schema: Schema; queueName: string }> {
  const schema = await newSchema();
  const queueName = newQueueName();
  cleanups.push(schema.drop, async () => {
    const queue = await EmbedQueue.connect(redis, { name: queueName, failFast: true, timeoutMs: 2000 });
    await queue.queue.obliterate({ force: true });
    await queue.close();
  });
  return { schema, queueName };
}

function coordinator(redis: string, db: string, queueName: string, extra: string[] = []): CliProcess {
  return CliProcess.start(
    [
      "embed",
      fx.videos,
      `${media.url}/remote.mp4`,
      ...["--db", db, "--queue", redis, "--queue-name", queueName, "--model", fx.model, ...SAMPLING],
      ...["--attempts", "2", "--retry-delay", "100", "--json", ...extra],
    ],
    fx.cache,
  );
}

function summaryOf(p: CliProcess): EmbedSummary {
  const end = p.events.find((e) => e.type === "end");
  assert.ok(end, `no end event; stderr: ${p.stderr}`);
  return end.summary as EmbedSummary;
}

/** The reference's good videos and clip rows, which a distributed run must store once each. */
function expectedRows(): { videos: number; clips: number } {
  const ok = [...reference.values()].filter((v) => v.status?.status === "ok");
  return { videos: ok.length, clips: ok.reduce((n, v) => n + v.clips.length, 0) };
}

/** Checks the result equals the reference, and that no video was written twice. */
async function checkResult(schema: Schema, once: boolean): Promise<void> {
  const store = await schema.open();
  try {
    const stored = await readStore(store);
    assertSameResult(stored, reference);
    if (once) for (const [hash, v] of stored) assert.equal(v.status?.attempts, 1, `${hash} saved once`);
  } finally {
    await store.close();
  }
  const rows = expectedRows();
  assert.equal(await schema.count("video_embeddings"), rows.videos);
  assert.equal(await schema.count("clip_embeddings"), rows.clips);
}

describe("distributed embedding", { skip: SKIP_SERVICES, timeout: 240_000 }, () => {
  it("embeds every video once, as one process would, and records the corrupt one after its retries", async () => {
    const { schema, queueName } = await isolated();
    const metricsFlags = ["--metrics-port", "0", "--metrics-host", "127.0.0.1"];
    const workers = await startWorkers(2, fx.cache, REDIS!, schema.url, queueName, ["--lock-ms", "5000"]);
    const withMetrics = await startWorkers(1, fx.cache, REDIS!, schema.url, queueName, metricsFlags);
    workers.push(...withMetrics);

    const run = coordinator(REDIS!, schema.url, queueName);
    assert.equal((await run.exited).code, 1, "exit 1: a video failed");
    const summary = summaryOf(run);
    assert.deepEqual(
      [summary.total, summary.done, summary.failed, summary.skipped, summary.clips],
      [7, 6, 1, 0, expectedRows().clips],
    );
    assert.equal(summary.failures[0].code, "E_VIDEO");
    await checkResult(schema, true);

    // The corrupt video was tried twice, on any workers, and recorded once.
    const attempts = workers.flatMap((w) => w.events.filter((e) => e.type === "failed"));
    assert.deepEqual(attempts.map((e) => [e.uri, e.attempt, e.final]).sort(), [
      [fx.corrupt, 1, false],
      [fx.corrupt, 2, true],
    ]);

    const status = CliProcess.start(
      ["queue", "status", "--queue", REDIS!, "--queue-name", queueName, "--json"],
      fx.cache,
    );
    assert.equal((await status.exited).code, 0, status.stderr);
    const s = status.events[0] as { [k: string]: unknown; failedJobs: { uri: string; reason: string }[] };
    assert.deepEqual([s.waiting, s.active, s.delayed, s.failed], [0, 0, 0, 1]);
    assert.ok((s.done as number) >= 6);
    assert.equal((s.workers as unknown[]).length, 3);
    assert.equal(s.failedJobs[0].uri, fx.corrupt);
    assert.match(s.failedJobs[0].reason, /^E_VIDEO: .*moov atom not found/);

    const port = (withMetrics[0].events[0] as { metricsPort: number }).metricsPort;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const done = withMetrics[0].events.filter((e) => e.type === "done").length;
    assert.match(metrics, new RegExp(`^vidmae_worker_jobs_total\\{outcome="done"\\} ${done}$`, "m"));
    assert.match(metrics, /^# TYPE vidmae_worker_job_duration_seconds histogram$/m);

    // Enqueueing the collection again adds nothing: every video is stored or failed.
    const again = coordinator(REDIS!, schema.url, queueName);
    assert.equal((await again.exited).code, 1);
    assert.deepEqual(again.events.find((e) => e.type === "start")?.todo, 0);
    assert.deepEqual([summaryOf(again).skipped, summaryOf(again).failedBefore], [6, 1]);

    const exits = await Promise.all(workers.map((w) => w.stop()));
    assert.deepEqual(
      exits.map((e) => e.code),
      [0, 0, 0],
      "SIGTERM: finish and leave",
    );
  });

  it("gives the same result when a worker is killed with SIGKILL in the middle of a job", async () => {
    const { schema, queueName } = await isolated();
    const workers = await startWorkers(3, fx.cache, REDIS!, schema.url, queueName, ["--lock-ms", "1500"]);
    const held = media.hold("remote.mp4");
    const run = coordinator(REDIS!, schema.url, queueName);

    const { userAgent, release } = await held;
    const victim = workers.find((w) => w.proc.pid === workerPid(userAgent))!;
    assert.deepEqual((await victim.stop("SIGKILL")).signal, "SIGKILL");
    release();

    assert.equal((await run.exited).code, 1, run.stderr);
    assert.deepEqual([summaryOf(run).done, summaryOf(run).failed], [6, 1]);
    await checkResult(schema, true);
    const finisher = workers.find((w) =>
      w.events.some((e) => e.type === "done" && e.uri === `${media.url}/remote.mp4`),
    );
    assert.ok(finisher && finisher !== victim, "another worker took the job over");
    await Promise.all(workers.map((w) => w.stop()));
  });

  const redisServer = redisServerBinary();
  it(
    "survives a Redis restart in the middle of a run",
    { skip: !redisServer && "needs redis-server on PATH (Debian package redis-server)" },
    async () => {
      const redis = await PrivateRedis.start(redisServer!);
      cleanups.push(() => redis.remove());
      const { schema, queueName } = await isolated(redis.url);
      const workers = await startWorkers(3, fx.cache, redis.url, schema.url, queueName, [
        "--lock-ms",
        "5000",
      ]);
      const held = media.hold("remote.mp4");
      const run = coordinator(redis.url, schema.url, queueName);

      const { release } = await held;
      await redis.restart();
      release();

      assert.equal((await run.exited).code, 1, run.stderr);
      assert.deepEqual([summaryOf(run).done, summaryOf(run).failed], [6, 1]);
      // A job whose lock lapsed while Redis was down may have run twice: written twice, stored once.
      await checkResult(schema, false);
      assert.ok(
        workers.every((w) => w.proc.exitCode === null),
        "every worker is still up",
      );
      await Promise.all(workers.map((w) => w.stop()));
    },
  );
});
