/**
 * `vidmae queue status`, and the `--queue` mode of `vidmae embed` (flags and the call), kept here so embed.ts only
 * chooses between the local and the distributed run.
 */
import type { Command } from "commander";
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
import { action, say } from "../run.js";
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
 * Adds the distributed-run flags to `embed`.
 *
 * @example
 * addQueueEmbedOptions(program.command("embed <inputs...>"));
 */
export function addQueueEmbedOptions(command: Command): Command {
  return command
    .option(
      "--queue <redis-url>",
      "distribute: one job per video on this Redis, done by `vidmae worker`s (use a --db they all reach: postgres://…)",
    )
    .option("--queue-name <name>", "with --queue: the queue (default vidmae-embed)")
    .option("--no-wait", "with --queue: return once the jobs are enqueued")
    .option(
      "--attempts <n>",
      LIMITS.attempts.help("with --queue: tries per video before it is recorded as failed", 3),
    )
    .option(
      "--retry-delay <ms>",
      LIMITS.retryDelayMs.help("with --queue: delay before the first retry, doubling after each", 10_000),
    );
}

/**
 * `vidmae embed --queue …`: enqueues and, unless `--no-wait`, follows the run with the same events as a local run.
 *
 * @example
 * const summary = await embedOnQueue(store, embedder, inputs, { ...opts, queue: opts.queue!, labels, onEvent });
 */
export async function embedOnQueue(
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
    say(
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
 * Registers `queue` and its `status` subcommand.
 *
 * @example
 * // npx vidmae queue status --queue redis://queue:6379
 */
export function registerQueue(program: Command): void {
  const queue = program.command("queue").description("inspect the distributed embedding queue");
  queue
    .command("status")
    .description("waiting, active, done and failed jobs, throughput, and each live worker's rate")
    .requiredOption("--queue <redis-url>", "the queue's Redis, e.g. redis://queue.internal:6379")
    .option("--queue-name <name>", "the queue (default vidmae-embed)")
    .option("--failed <n>", LIMITS.failedListed.help("list this many of the latest failures", 10))
    .option("--json", "print the status as one JSON object")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(statusSchema, raw);
        const q = await EmbedQueue.connect(opts.queue, {
          name: opts.queueName,
          failFast: true,
          timeoutMs: 10_000,
        });
        try {
          const status = await queueStatus(q, { failedLimit: opts.failed });
          process.stdout.write(
            opts.json ? `${JSON.stringify(status)}\n` : formatQueueStatus(printable(status)),
          );
        } finally {
          await q.close();
        }
      }),
    );
}
