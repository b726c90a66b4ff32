/**
 * The worker's half of a distributed run: take a job, embed its video with the model it names, write the result,
 * and only then acknowledge the job (a worker that dies before that leaves the job locked; once the lock expires
 * BullMQ hands it to another worker). A video that fails is retried with backoff; on its last attempt the failure
 * is recorded in the store with its error.
 */
import { hostname } from "node:os";
import { type Job, MetricsTime, UnrecoverableError, Worker } from "bullmq";
import { type ErrorCode, VidmaeError, wrapError } from "../errors.js";
import { probeRecord } from "../embed/collection.js";
import { redactUrl } from "../store/postgres.js";
import { parseInput } from "../space/input.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { EmbeddingStore } from "../store/types.js";
import { VERSION } from "../version.js";
import { connectRedis } from "./connection.js";
import { type EmbedJob, failureReason, parseEmbedJob, withFailure } from "./job.js";
import { type MetricsServer, serveMetrics } from "./metrics.js";
import { type ModelRuntimeOptions, ModelCache } from "./models.js";
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, queueNameSchema, workerStatsKey } from "./names.js";
import { openSource, removeStaleDownloads } from "./source.js";
import { type JobOutcome, WorkerStats } from "./stats.js";

/** Options of {@link runWorker}. */
export interface WorkerOptions extends ModelRuntimeOptions {
  /** `redis://…` of the queue. */
  queueUrl: string;
  /** @defaultValue {@link DEFAULT_QUEUE_NAME} */
  queueName?: string;
  /** How this worker is named in `vidmae queue status` and on jobs. @defaultValue `<hostname>:<pid>` */
  id?: string;
  /** Jobs in parallel (decoding of one overlaps inference of another). @defaultValue 1 */
  concurrency?: number;
  /** How long a job stays locked to this worker without a renewal; a dead worker's jobs move on after it. @defaultValue 30000 */
  lockMs?: number;
  /** Serve Prometheus metrics on this port (0: any free port); none when absent. */
  metricsPort?: number;
  /** @defaultValue "0.0.0.0" */
  metricsHost?: string;
  /** How often statistics are published for `vidmae queue status`. @defaultValue 5000 */
  heartbeatMs?: number;
  onEvent?: (event: WorkerEvent) => void;
}

/** What a worker reports, for logs and `--json` lines. */
export type WorkerEvent =
  | { type: "ready"; worker: string; queue: string; metricsPort: number | null }
  | { type: "active"; worker: string; jobId: string; uri: string; attempt: number }
  | { type: "done"; worker: string; jobId: string; uri: string; clips: number; seconds: number }
  | { type: "skipped"; worker: string; jobId: string; uri: string; reason: "stored" }
  | {
      type: "failed";
      worker: string;
      jobId: string;
      uri: string;
      code: ErrorCode;
      message: string;
      attempt: number;
      attempts: number;
      /** The last attempt: recorded as failed in the store. */
      final: boolean;
    }
  | { type: "error"; worker: string; message: string };

/** A running worker. */
export interface RunningWorker {
  id: string;
  /** The metrics port, null without metrics. */
  metricsPort: number | null;
  stats: WorkerStats;
  /** Stops taking jobs, waits for the ones in progress, and disconnects. */
  close(): Promise<void>;
}

/** What one job ended with. */
interface JobResult {
  outcome: JobOutcome;
  clips: number;
}

/**
 * Starts a worker on the queue at `options.queueUrl`, writing into `store` (which it does not close).
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for bad options; E_IO when Redis cannot be reached or the metrics port
 *   cannot be bound
 * @example
 * const store = await openStore("postgres://vidmae@db/vidmae");
 * const worker = await runWorker(store, { queueUrl: "redis://queue:6379", metricsPort: 9464 });
 * process.on("SIGTERM", () => worker.close().then(() => store.close()));
 */
export async function runWorker(store: EmbeddingStore, options: WorkerOptions): Promise<RunningWorker> {
  const queueName = parseInput(queueNameSchema, options.queueName ?? DEFAULT_QUEUE_NAME, "queueName");
  const id = options.id ?? `${hostname()}:${process.pid}`;
  const lockMs = options.lockMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const emit = options.onEvent ?? (() => {});
  const redis = connectRedis(options.queueUrl);
  const stats = new WorkerStats(id, queueName);
  const models = new ModelCache(options);
  const spaces = new Map<string, EmbeddingSpace>();
  const userAgent = `vidmae/${VERSION} (worker ${id})`;

  const statsKey = workerStatsKey(queueName, id);
  const publish = () =>
    redis.set(statsKey, JSON.stringify(stats.snapshot()), "PX", heartbeatMs * 3).catch(() => {});

  const spaceFor = async (key: string): Promise<EmbeddingSpace> => {
    const space = spaces.get(key) ?? (await store.getSpace(key));
    if (!space)
      throw new VidmaeError(
        "E_STORE",
        `No embedding space ${key.slice(0, 12)}… in the store: are the coordinator and this worker using the same --db?`,
      );
    spaces.set(key, space);
    return space;
  };

  const embedJob = async (job: Job<EmbedJob>, data: EmbedJob): Promise<JobResult> => {
    const { uri, contentHash } = data.video;
    const space = await spaceFor(data.spaceKey);
    const video = await store.findVideoByHash(contentHash);
    if (!video) throw new VidmaeError("E_STORE", `${uri}: no video with content ${contentHash} in the store`);
    if ((await store.status(space.id, video.id))?.status === "ok") {
      emit({ type: "skipped", worker: id, jobId: job.id!, uri, reason: "stored" });
      return { outcome: "skipped", clips: 0 };
    }
    const attempts = job.opts.attempts ?? 1;
    let localPath = uri;
    try {
      const embedder = await models.embedder(data.model, space);
      models.loaded.forEach((m) => stats.models.add(m));
      const local = await openSource(store, data.video, userAgent);
      localPath = local.path;
      const e = await embedder.embedVideo(local.path).finally(() => local.release());
      const { sizeBytes, mtimeMs } = data.video;
      const probe = { ...probeRecord(e), path: uri };
      await store.upsertVideos([{ path: uri, sizeBytes, mtimeMs, contentHash, probe }]);
      await store.saveEmbeddings(space.id, [
        { videoId: video.id, clips: e.clips, videoVector: e.vector, tooShort: e.prepared.tooShort },
      ]);
      return { outcome: "done", clips: e.clips.length };
    } catch (err) {
      // Messages name the file read; for a download that is a temporary copy, so they name the URL instead.
      const error = wrapError(err, "E_INFERENCE", uri);
      const message = error.message.replaceAll(localPath, uri);
      const final = job.attemptsMade + 1 >= attempts;
      if (final) await store.saveFailure(space.id, video.id, { code: error.code, message }).catch(() => {});
      emit({
        type: "failed",
        worker: id,
        jobId: job.id!,
        uri,
        code: error.code,
        message,
        attempt: job.attemptsMade + 1,
        attempts,
        final,
      });
      throw Object.assign(new VidmaeError(error.code, message, { cause: err }), { final });
    }
  };

  const processor = async (job: Job<EmbedJob>): Promise<JobResult> => {
    const started = performance.now();
    stats.begin();
    let result: JobResult = { outcome: "retried", clips: 0 };
    let unrecoverable = false;
    try {
      let data: EmbedJob;
      try {
        data = parseEmbedJob(job.data);
      } catch (e) {
        // A payload no retry can fix (e.g. from a newer vidmae): failed at once.
        result.outcome = "failed";
        unrecoverable = true;
        throw wrapError(e, "E_INVALID_ARGUMENT", `job ${job.id}`);
      }
      emit({
        type: "active",
        worker: id,
        jobId: job.id!,
        uri: data.video.uri,
        attempt: job.attemptsMade + 1,
      });
      result = await embedJob(job, data);
      if (result.outcome === "done") {
        const seconds = (performance.now() - started) / 1000;
        emit({ type: "done", worker: id, jobId: job.id!, uri: data.video.uri, clips: result.clips, seconds });
      }
      return result;
    } catch (e) {
      if ((e as { final?: boolean }).final) result.outcome = "failed";
      // The code travels as data in the job (see jobFailure); BullMQ keeps the thrown text as the failedReason
      // people read in `vidmae queue status`.
      const error = wrapError(e, "E_WORKER", `job ${job.id}`);
      const failure = { code: error.code, message: error.message };
      const data = withFailure(job.data, failure);
      if (data) await job.updateData(data as EmbedJob).catch(() => {});
      throw unrecoverable
        ? new UnrecoverableError(failureReason(failure))
        : new Error(failureReason(failure), { cause: e });
    } finally {
      stats.end(result.outcome, (performance.now() - started) / 1000, result.clips);
      void publish();
    }
  };

  const worker = new Worker<EmbedJob, JobResult>(queueName, processor, {
    connection: redis,
    prefix: QUEUE_PREFIX,
    name: id,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A job whose worker died twice (each time its lock expired) fails instead of killing a third worker.
    maxStalledCount: 2,
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    autorun: false,
  });
  worker.on("error", (e) => emit({ type: "error", worker: id, message: e.message }));

  let metrics: MetricsServer | null = null;
  try {
    await Promise.race([
      worker.waitUntilReady(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 30 s")), 30_000).unref()),
    ]).catch((e: Error) => {
      throw new VidmaeError(
        "E_IO",
        `Cannot reach the queue at ${redactUrl(options.queueUrl)}: ${e.message}`,
        {
          cause: e,
        },
      );
    });
    if (options.metricsPort !== undefined)
      metrics = await serveMetrics(stats, { port: options.metricsPort, host: options.metricsHost });
  } catch (e) {
    await worker.close(true).catch(() => {});
    redis.disconnect();
    throw e;
  }
  await removeStaleDownloads();
  await publish();
  const heartbeat = setInterval(publish, heartbeatMs);
  heartbeat.unref();
  void worker.run().catch((e: Error) => emit({ type: "error", worker: id, message: e.message }));
  emit({ type: "ready", worker: id, queue: queueName, metricsPort: metrics?.port ?? null });

  let closing: Promise<void> | undefined;
  return {
    id,
    metricsPort: metrics?.port ?? null,
    stats,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        await worker.close();
        await redis.del(statsKey).catch(() => {});
        await metrics?.close();
        await models.release();
        redis.disconnect();
      })()),
  };
}
