/**
 * Following a distributed run to its end. The store is the truth: a video is finished when its status in the
 * space changed since it was enqueued (`ok`, or one more failed attempt). The queue is checked for what the store
 * cannot show: a job that failed without its failure being stored (a worker that kept crashing on it) is recorded
 * here, and a job that vanished (Redis restarted without persistence) is added again.
 */
import type { EmbedEvent, EmbedSummary } from "../embed/collection.js";
import { clipVectorsPerVideo } from "../space/sampling.js";
import type { EmbeddingStore, VideoStatus } from "../store/types.js";
import { type EnqueuedRun, type RunJob, addJobs, jobData } from "./enqueue.js";
import { jobFailure } from "./job.js";
import type { EmbedQueue } from "./queue.js";

/** Options of {@link waitForRun}. */
export interface WaitOptions {
  /** How often the store is read. @defaultValue 1000 */
  pollMs?: number;
  /** The queue is checked every this many polls, and whenever it looks idle. @defaultValue 10 */
  reconcileEvery?: number;
  /** Stop waiting (the workers go on). */
  signal?: AbortSignal;
  /** Receives `done` and `failed` per video as they finish, and `end`. */
  onEvent?: (event: EmbedEvent) => void;
}

function isNew(job: RunJob, status: VideoStatus | null): status is VideoStatus {
  return status !== null && (status.status === "ok" || status.attempts > job.attemptsBefore);
}

/** Job states asked per Redis round trip. */
const CHUNK = 200;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * Waits until every video of `run` is embedded or failed, reporting each as it finishes.
 *
 * @returns the run's summary (also sent as the `end` event)
 * @example
 * const summary = await waitForRun(store, queue, run, { onEvent: (e) => console.log(e.type) });
 */
export async function waitForRun(
  store: EmbeddingStore,
  queue: EmbedQueue,
  run: EnqueuedRun,
  options: WaitOptions = {},
): Promise<EmbedSummary> {
  const pollMs = options.pollMs ?? 1000;
  const reconcileEvery = options.reconcileEvery ?? 10;
  const emit = options.onEvent ?? (() => {});
  const summary: EmbedSummary = { ...run.summary, failures: [...run.summary.failures] };
  const pending = new Map(run.jobs.map((job) => [job.videoId, job]));

  const finish = (job: RunJob, status: VideoStatus) => {
    pending.delete(job.videoId);
    if (status.status === "ok") {
      const clips = clipVectorsPerVideo(run.space.sampling, status.tooShort);
      summary.done++;
      summary.clips += clips;
      emit({ type: "done", path: job.path, videoId: job.videoId, clips, tooShort: status.tooShort });
    } else {
      const failure = {
        path: job.path,
        code: status.errorCode ?? "E_WORKER",
        message: status.errorMessage ?? "",
      };
      summary.failed++;
      summary.failures.push(failure);
      emit({ type: "failed", ...failure });
    }
  };

  /** Jobs the store shows no outcome for, looked up in the queue. */
  const reconcile = async () => {
    const lost: RunJob[] = [];
    const jobs = [...pending.values()];
    for (let i = 0; i < jobs.length; i += CHUNK) {
      const chunk = jobs.slice(i, i + CHUNK);
      const states = await Promise.all(chunk.map((job) => queue.queue.getJobState(job.jobId)));
      for (const [k, job] of chunk.entries()) {
        if (states[k] !== "failed" && states[k] !== "unknown") continue;
        let status = await store.status(run.space.id, job.videoId);
        if (isNew(job, status)) continue; // finished meanwhile; the next poll reports it
        if (states[k] === "failed") {
          const failure = jobFailure(await queue.queue.getJob(job.jobId));
          status = await store.saveFailure(run.space.id, job.videoId, failure);
          finish(job, status);
        } else lost.push(job);
      }
    }
    const videos = await Promise.all(lost.map((job) => store.getVideo(job.videoId)));
    const readd = lost.flatMap((job, i) =>
      videos[i]?.path ? [{ jobId: job.jobId, data: jobData(videos[i], run.space.key, run.settings) }] : [],
    );
    await addJobs(queue, readd, run.attempts, run.retryDelayMs);
  };

  for (let poll = 1; pending.size > 0 && !options.signal?.aborted; poll++) {
    const started = performance.now();
    const statuses = new Map((await store.listVideos(run.space.id)).map((v) => [v.id, v.status] as const));
    for (const job of [...pending.values()]) {
      const status = statuses.get(job.videoId) ?? null;
      if (isNew(job, status)) finish(job, status);
    }
    if (pending.size === 0) break;
    const counts = await queue.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    const idle = Object.values(counts).every((n) => n === 0);
    if (idle || poll % reconcileEvery === 0) await reconcile();
    // A big run's poll takes a while: the store is then read at most a fifth of the time.
    if (pending.size > 0) await sleep(Math.max(pollMs, 4 * (performance.now() - started)), options.signal);
  }
  summary.interrupted = options.signal?.aborted ?? false;
  summary.seconds = (performance.now() - run.startedAt) / 1000;
  emit({ type: "end", summary });
  return summary;
}
