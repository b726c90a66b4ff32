/**
 * What `vidmae queue status` shows: the queue's job counts, what finished and how fast, the live workers with
 * their rates (from what each publishes, see stats.ts), and the latest failures with their reasons.
 */
import type { EmbedQueue } from "./queue.js";
import { workerStatsKey } from "./names.js";
import type { WorkerSnapshot } from "./stats.js";

/** A job that failed for good. */
export interface FailedJob {
  jobId: string;
  uri: string | null;
  /** `CODE: message` as the worker reported it. */
  reason: string;
  attempts: number;
  failedAt: string | null;
}

/** The state of a queue and its workers. */
export interface QueueStatus {
  queue: string;
  /** The Redis URL without password. */
  where: string;
  /** Jobs not started yet (waiting or prioritized). */
  waiting: number;
  active: number;
  /** Jobs waiting for a retry after a failed attempt. */
  delayed: number;
  /** Jobs that failed for good and are still kept (a week). */
  failed: number;
  /** Jobs completed since the queue's first worker started. */
  done: number;
  /** Jobs completed in each of the last minutes, the current minute first. */
  lastMinutes: number[];
  /** The live workers' combined rate over their last minute. */
  throughput: { videosPerSec: number; clipsPerSec: number };
  workers: WorkerSnapshot[];
  failedJobs: FailedJob[];
}

/** Worker keys read per round trip. */
const SCAN_COUNT = 500;

async function liveWorkers(queue: EmbedQueue): Promise<WorkerSnapshot[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await queue.redis.scan(
      cursor,
      "MATCH",
      workerStatsKey(queue.name, "*"),
      "COUNT",
      SCAN_COUNT,
    );
    keys.push(...found);
    cursor = next;
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await queue.redis.mget(keys);
  return values
    .flatMap((v) => {
      try {
        return v ? [JSON.parse(v) as WorkerSnapshot] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Reads the state of a queue.
 *
 * @param options.failedLimit - how many of the latest failures to list @defaultValue 10
 * @example
 * const queue = await EmbedQueue.connect("redis://queue:6379", { failFast: true });
 * const { waiting, active, done, workers } = await queueStatus(queue);
 */
export async function queueStatus(
  queue: EmbedQueue,
  options: { failedLimit?: number } = {},
): Promise<QueueStatus> {
  const q = queue.queue;
  const limit = options.failedLimit ?? 10;
  const [counts, completed, workers, failedJobs] = await Promise.all([
    q.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"),
    q.getMetrics("completed", 0, 4),
    liveWorkers(queue),
    limit > 0 ? q.getFailed(0, limit - 1) : Promise.resolve([]),
  ]);
  return {
    queue: queue.name,
    where: queue.where,
    waiting: counts.waiting + counts.prioritized,
    active: counts.active,
    delayed: counts.delayed,
    failed: counts.failed,
    done: Number(completed.meta.count),
    lastMinutes: completed.data.map(Number),
    throughput: {
      videosPerSec: workers.reduce((sum, w) => sum + w.videosPerSec, 0),
      clipsPerSec: workers.reduce((sum, w) => sum + w.clipsPerSec, 0),
    },
    workers,
    failedJobs: failedJobs.map((job) => ({
      jobId: job.id ?? "",
      uri: job.data?.video?.uri ?? null,
      reason: job.failedReason,
      attempts: job.attemptsMade,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    })),
  };
}

/**
 * The status as the CLI prints it.
 *
 * @example
 * process.stdout.write(formatQueueStatus(await queueStatus(queue)));
 */
export function formatQueueStatus(s: QueueStatus): string {
  const rate = (n: number) => n.toFixed(2);
  const ago = (iso: string) => `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))} s ago`;
  const lines = [
    `queue ${s.queue} at ${s.where}`,
    `  waiting ${s.waiting}  active ${s.active}  retrying ${s.delayed}  done ${s.done}  failed ${s.failed}`,
    `  throughput ${rate(s.throughput.videosPerSec)} videos/s, ${rate(s.throughput.clipsPerSec)} clips/s` +
      (s.lastMinutes.length ? ` (done per minute, latest first: ${s.lastMinutes.join(" ")})` : ""),
    `workers (${s.workers.length})`,
    ...s.workers.map(
      (w) =>
        `  ${w.id}  active ${w.active}  done ${w.done}  failed ${w.failed}  retried ${w.retried}  ` +
        `${rate(w.videosPerSec)} videos/s  ${rate(w.clipsPerSec)} clips/s  seen ${ago(w.lastSeen)}`,
    ),
  ];
  if (s.failedJobs.length > 0) {
    lines.push(`latest failures (${s.failedJobs.length} of ${s.failed})`);
    for (const f of s.failedJobs)
      lines.push(`  ${f.uri ?? f.jobId}: ${f.reason} (after ${f.attempts} attempts)`);
  }
  return `${lines.join("\n")}\n`;
}
