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
import { formatQueueStatus, queueStatus } from "../../distributed/status.js";
import { redactUrl } from "../../store/postgres.js";
import type { EmbeddingStore } from "../../store/types.js";
import { parseOptions, positiveInt } from "../options.js";
import { action } from "../run.js";

const nonNegativeInt = (expected = "non-negative integer") =>
  z.coerce.number({ error: expected }).int({ error: expected }).nonnegative({ error: expected });

/** The flags `vidmae embed` takes for a distributed run. */
export const queueEmbedOptionsSchema = z.object({
  queue: z.string().min(1).optional(),
  queueName: queueNameSchema.optional(),
  wait: z.boolean().default(true),
  attempts: positiveInt().default(3),
  retryDelay: nonNegativeInt().default(10_000),
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
    .option("--attempts <n>", "with --queue: tries per video before it is recorded as failed (default 3)")
    .option(
      "--retry-delay <ms>",
      "with --queue: delay before the first retry, doubling after each (default 10000)",
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
    process.stderr.write(
      `vidmae: enqueued ${summary.added} videos (${summary.alreadyQueued} were queued already); ` +
        `follow with: vidmae queue status --queue ${redactUrl(opts.queue)}\n`,
    );
  return summary;
}

const statusSchema = z.object({
  queue: z.string().min(1),
  queueName: queueNameSchema.optional(),
  failed: nonNegativeInt().default(10),
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
    .option("--failed <n>", "list this many of the latest failures (default 10)")
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
          process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatQueueStatus(status));
        } finally {
          await q.close();
        }
      }),
    );
}
