/**
 * The coordinator's half of a distributed run: identify every input by content, skip what the space already
 * holds, and add one job per remaining video. Job ids are space key + content hash, so enqueueing a collection
 * again — after a crash, from a second coordinator, with more files — adds only what is missing.
 */
import { resolve } from "node:path";
import type { JobsOptions } from "bullmq";
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import {
  type CollectionOptions,
  type EmbedEvent,
  type EmbedSummary,
  emptySummary,
} from "../embed/collection.js";
import type { Embedder } from "../embed/embedder.js";
import { spaceSpecFor } from "../embed/space.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { EmbeddingStore, VideoRecord } from "../store/types.js";
import { listVideoInputs } from "../video/files.js";
import { VERSION } from "../version.js";
import { type EmbedJob, JOB_VERSION, type JobSettings, jobSettingsFor } from "./job.js";
import { JOB_NAME, jobIdFor } from "./names.js";
import type { EmbedQueue } from "./queue.js";
import { describeSource, isVideoUrl } from "./source.js";

/** Options of {@link enqueueCollection}. */
export interface EnqueueOptions extends Pick<CollectionOptions, "modelName" | "labels" | "retryFailed"> {
  /** Tries per video before it is recorded as failed. @defaultValue 3 */
  attempts?: number;
  /** Delay before the first retry, doubling after each. @defaultValue 10000 */
  retryDelayMs?: number;
  /** Receives `start`, `skipped` and (for unreadable inputs) `failed` events. */
  onEvent?: (event: EmbedEvent) => void;
}

/** A video the run waits for. */
export interface RunJob {
  jobId: string;
  videoId: number;
  path: string;
  /** Its status's attempt count when enqueued (0: never attempted), to tell a new outcome from an old one. */
  attemptsBefore: number;
}

/** What {@link enqueueCollection} did, and what {@link waitForRun} needs to follow the run. */
export interface EnqueuedRun {
  space: EmbeddingSpace;
  settings: JobSettings;
  jobs: RunJob[];
  /** New jobs added to the queue. */
  added: number;
  /** Videos whose job was already waiting or running (from an earlier run). */
  alreadyQueued: number;
  attempts: number;
  retryDelayMs: number;
  /** The summary so far: totals, skips and unreadable inputs. */
  summary: EmbedSummary;
  startedAt: number;
}

/**
 * BullMQ options of a video's job: retried with exponential backoff; removed once done (the store has the result,
 * and the coordinator checks the store before adding), kept a week when failed for `vidmae queue status`.
 *
 * @example
 * await queue.queue.add(JOB_NAME, data, jobOptions(id, 3, 10_000));
 */
export function jobOptions(jobId: string, attempts: number, retryDelayMs: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: "exponential", delay: retryDelayMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * The payload of a stored video's job.
 *
 * @example
 * const data = jobData(video, run.space.key, run.settings);
 */
export function jobData(video: VideoRecord, spaceKey: string, settings: JobSettings): EmbedJob {
  return {
    version: JOB_VERSION,
    video: {
      uri: video.path!,
      contentHash: video.contentHash,
      sizeBytes: video.sizeBytes,
      mtimeMs: video.mtimeMs,
    },
    spaceKey,
    ...settings,
  };
}

/** States in which a job will still run, so adding it again would change nothing. */
const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** Inputs identified at once (files hashed, URLs fetched) by the coordinator. */
const DESCRIBE_CONCURRENCY = 4;

/** Jobs added per Redis round trip. */
const CHUNK = 200;

/**
 * Adds the jobs of `videos` that are not waiting or running already; a finished job left in Redis under the same
 * id (a failure being retried) is removed first, or BullMQ would ignore the new one.
 *
 * @returns how many were added and how many were live already
 */
export async function addJobs(
  queue: EmbedQueue,
  videos: readonly { jobId: string; data: EmbedJob }[],
  attempts: number,
  retryDelayMs: number,
): Promise<{ added: number; alreadyQueued: number }> {
  let added = 0;
  let alreadyQueued = 0;
  for (let i = 0; i < videos.length; i += CHUNK) {
    const chunk = videos.slice(i, i + CHUNK);
    const states = await Promise.all(chunk.map((v) => queue.queue.getJobState(v.jobId)));
    const todo = chunk.filter((_, k) => !LIVE_STATES.has(states[k]));
    const finished = chunk.filter((_, k) => !LIVE_STATES.has(states[k]) && states[k] !== "unknown");
    alreadyQueued += chunk.length - todo.length;
    await Promise.all(finished.map(async (v) => (await queue.queue.getJob(v.jobId))?.remove()));
    await queue.queue.addBulk(
      todo.map((v) => ({ name: JOB_NAME, data: v.data, opts: jobOptions(v.jobId, attempts, retryDelayMs) })),
    );
    added += todo.length;
  }
  return { added, alreadyQueued };
}

/**
 * Enqueues every video under `inputs` (files, directories, globs, http(s):// URLs) that the embedder's space does
 * not hold yet, one job per video. Paths are recorded absolute, since workers run elsewhere.
 *
 * @returns the run, to follow with {@link waitForRun}
 * @throws VidmaeError E_INVALID_ARGUMENT for bad options; E_STORE / E_IO when the store or the queue fails
 * @example
 * const run = await enqueueCollection(store, queue, embedder, ["/shared/videos"], { modelName: "MCG-NJU/videomae-base" });
 * const summary = await waitForRun(store, queue, run);
 */
export async function enqueueCollection(
  store: EmbeddingStore,
  queue: EmbedQueue,
  embedder: Embedder,
  inputs: readonly string[],
  options: EnqueueOptions,
): Promise<EnqueuedRun> {
  const startedAt = performance.now();
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 10_000;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw invalidParameterError("attempts", "positive integer", attempts);
  if (!Number.isInteger(retryDelayMs) || retryDelayMs < 0)
    throw invalidParameterError("retryDelayMs", "non-negative integer", retryDelayMs);
  const emit = options.onEvent ?? (() => {});
  const urls = inputs.filter(isVideoUrl);
  // A missing or special input is reported with the rest of the failures; the other inputs are still queued.
  const { files, refused } =
    urls.length === inputs.length
      ? { files: [], refused: [] }
      : await listVideoInputs(inputs.filter((i) => !isVideoUrl(i)));
  const paths = [...files.map((f) => resolve(f)), ...urls];

  const space = await store.ensureSpace(await spaceSpecFor(embedder, options.modelName));
  const settings = jobSettingsFor(embedder, options.modelName);
  const summary = emptySummary(paths.length + refused.length);
  const events: EmbedEvent[] = [];
  for (const { path, error } of refused) {
    summary.failed++;
    summary.failures.push({ path, code: error.code, message: error.message });
    events.push({ type: "failed", path, code: error.code, message: error.message });
  }
  const todo: (RunJob & { data: EmbedJob })[] = [];
  const queued = new Set<number>();
  const userAgent = `vidmae/${VERSION} (coordinator)`;
  /** Queues a stored video unless the space has it, or it failed before and is not to be retried. */
  const consider = async (path: string, video: VideoRecord) => {
    const status = await store.status(space.id, video.id);
    // The same content under another path of this run: one job embeds it for both.
    if (status?.status === "ok" || queued.has(video.id)) {
      summary.skipped++;
      events.push({ type: "skipped", path, reason: "stored" });
    } else if (status?.status === "failed" && !options.retryFailed) {
      summary.failedBefore++;
      events.push({ type: "skipped", path, reason: "failed-before" });
    } else {
      queued.add(video.id);
      todo.push({
        jobId: jobIdFor(space.key, video.contentHash),
        videoId: video.id,
        path,
        attemptsBefore: status?.attempts ?? 0,
        data: jobData(video, space.key, settings),
      });
    }
  };
  for (let i = 0; i < paths.length; i += DESCRIBE_CONCURRENCY) {
    const chunk = paths.slice(i, i + DESCRIBE_CONCURRENCY);
    const files = await Promise.allSettled(
      chunk.map((path) => describeSource(store, path, options.labels, userAgent)),
    );
    for (const [k, path] of chunk.entries()) {
      const file = files[k];
      let video: VideoRecord;
      try {
        if (file.status === "rejected") throw file.reason;
        [video] = await store.upsertVideos([file.value]);
      } catch (e) {
        const error = wrapError(e, "E_IO", path);
        if (error.code === "E_STORE") throw error;
        summary.failed++;
        summary.failures.push({ path, code: error.code, message: error.message });
        events.push({ type: "failed", path, code: error.code, message: error.message });
        continue;
      }
      await consider(path, video);
    }
  }
  const { added, alreadyQueued } = await addJobs(queue, todo, attempts, retryDelayMs).catch((e: unknown) => {
    throw e instanceof VidmaeError
      ? e
      : wrapError(e, "E_IO", `Cannot add jobs to the queue at ${queue.where}`);
  });
  emit({
    type: "start",
    total: paths.length + refused.length,
    todo: todo.length,
    space: { id: space.id, key: space.key },
  });
  events.forEach(emit);
  const jobs = todo.map(({ data: _data, ...job }) => job);
  return { space, settings, jobs, added, alreadyQueued, attempts, retryDelayMs, summary, startedAt };
}
