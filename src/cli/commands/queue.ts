/** `vidmae queue status`, and the flags of `vidmae embed --queue`; the implementations are in ../actions/queue.ts. */
import type { Command } from "commander";
import { LIMITS } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

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
 * Registers `queue` and its `status` subcommand.
 *
 * @example
 * // npx vidmae queue status --queue redis://queue:6379
 */
export function registerQueue(program: Command, io: CliIo): void {
  const queue = program.command("queue").description("inspect the distributed embedding queue");
  queue
    .command("status")
    .description("waiting, active, done and failed jobs, throughput, and each live worker's rate")
    .requiredOption("--queue <redis-url>", "the queue's Redis, e.g. redis://queue.internal:6379")
    .option("--queue-name <name>", "the queue (default vidmae-embed)")
    .option("--failed <n>", LIMITS.failedListed.help("list this many of the latest failures", 10))
    .option("--json", "print the status as one JSON object")
    .action(lazyAction(io, async () => (await import("../actions/queue.js")).queueStatusCommand));
}
