/**
 * `vidmae queue status`, and the `--queue` mode of `vidmae embed` (flags and the call), kept here so embed.ts
 * only
 * chooses between the local and the distributed run.
 */
import { z } from "zod";
import type { EmbedEvent, EmbedSummary, LabelSource } from "../../embed/collection.js";
import type { Embedder } from "../../embed/embedder.js";
import { queueNameSchema } from "../../distributed/names.js";
import { EmbedQueue } from "../../distributed/queue.js";
import { distributeCollection } from "../../distributed/run.js";
import { type QueueStatus, formatQueueStatus, queueStatus } from "../../distributed/status.js";
import { redactUrl } from "../../store/postgres.js";
import type { EmbeddingStore } from "../../store/types.js";
import { LIMITS, parseOptions } from "../options.js";
import type { CliIo } from "../run.js";
import { displayPath, escapeControls } from "../../errors.js";

/** The flags `vidmae embed` takes for a distributed run. */
export const queueEmbedOptionsSchema = z.object({
  queue: z.string().min(1).optional(),
  queueName: queueNameSchema.optional(),
  wait: z.boolean().default(true),
  attempts: LIMITS.attempts.schema().default(3),
  retryDelay: LIMITS.retryDelayMs.schema().default(10_000),
});

/** Parsed distributed-run flags. */
export type QueueEmbedCliOptions = z.infer<typeof queueEmbedOptionsSchema>;

/**
 * `vidmae embed --queue …`: enqueues and, unless `--no-wait`, follows the run with the same events as a local
 * run.
 *
 * @example
 * const summary = await embedOnQueue(io, store, embedder, inputs, { ...opts, queue: opts.queue!, labels,
 * onEvent });
 */
export async function embedOnQueue(
  io: CliIo,
  store: EmbeddingStore,
  embedder: Embedder,
  inputs: readonly string[],
  opts: QueueEmbedCliOptions & {
    queue: string;
    model: string;
    labels?: LabelSource;
    retryFailed: boolean;
    signal?: AbortSignal;
    onEvent: (e: EmbedEvent) => void;
  },
): Promise<EmbedSummary> {
  const summary = await distributeCollection(store, embedder, inputs, {
    queueUrl: opts.queue,
    queueName: opts.queueName,
    wait: opts.wait,
    attempts: opts.attempts,
    retryDelayMs: opts.retryDelay,
    modelName: opts.model,
    labels: opts.labels,
    retryFailed: opts.retryFailed,
    signal: opts.signal,
    onEvent: opts.onEvent,
  });
  if (!summary.waited)
    io.say(
      `enqueued ${summary.added} videos (${summary.alreadyQueued} were queued already); ` +
        `follow with: vidmae queue status --queue ${redactUrl(opts.queue)}`,
    );
  return summary;
}

/** The status with what workers and jobs named (ids, file names, failure reasons) escaped, for the text view. */
function printable(status: QueueStatus): QueueStatus {
  return {
    ...status,
    workers: status.workers.map((w) => ({ ...w, id: escapeControls(w.id) })),
    failedJobs: status.failedJobs.map((f) => ({
      ...f,
      jobId: escapeControls(f.jobId),
      uri: f.uri === null ? null : displayPath(f.uri),
      reason: escapeControls(f.reason),
    })),
  };
}

const statusSchema = z.object({
  queue: z.string().min(1),
  queueName: queueNameSchema.optional(),
  failed: LIMITS.failedListed.schema().default(10),
  json: z.boolean().default(false),
});

/**
 * `vidmae queue status`: prints the queue's jobs, throughput and live workers (text or JSON). `raw` is
 * commander's options, checked here.
 *
 * @example
 * await queueStatusCommand(cliIo(), { queue: "redis://queue:6379", json: true });
 */
export async function queueStatusCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(statusSchema, raw);
  const q = await EmbedQueue.connect(opts.queue, {
    name: opts.queueName,
    failFast: true,
    timeoutMs: 10_000,
  });
  try {
    const status = await queueStatus(q, { failedLimit: opts.failed });
    io.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatQueueStatus(printable(status)));
  } finally {
    await q.close();
  }
}
