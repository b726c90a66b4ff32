/** `vidmae worker`: take embedding jobs from the queue until stopped. */
import type { Command } from "commander";
import { LIMITS, addPthOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `worker`.
 *
 * @example
 * // npx vidmae worker --queue redis://queue:6379 --db postgres://vidmae@db/vidmae --metrics-port 9464
 */
export function registerWorker(program: Command, io: CliIo): void {
  const command = program
    .command("worker")
    .description(
      "embed videos from the queue that `vidmae embed --queue` fills, until stopped (SIGTERM or Ctrl-C)",
    )
    .requiredOption("--queue <redis-url>", "the queue's Redis, e.g. redis://queue.internal:6379")
    .requiredOption(
      "--db <url|file>",
      "the store the coordinator uses: postgres://… (or a SQLite file on one machine)",
    )
    .option("--queue-name <name>", "the queue (default vidmae-embed)")
    .option("--id <name>", "this worker's name in `vidmae queue status` (default <hostname>:<pid>)")
    .option(
      "--concurrency <n>",
      LIMITS.concurrency.help("videos in parallel, so decoding overlaps inference", 1),
    )
    .option("--threads <n>", LIMITS.threads.help("onnxruntime intra-op threads"))
    .option("--provider <cpu|cuda>", "execution provider (default cpu)")
    .option("--batch <n>", LIMITS.batch.help("clips per inference batch", 1))
    .option(
      "--lock-ms <ms>",
      LIMITS.lockMs.help("a job this worker stops renewing moves to another worker after this", 30_000),
    )
    .option(
      "--metrics-port <port>",
      LIMITS.port.help("serve Prometheus metrics at http://<host>:<port>/metrics (0: any free port)"),
    )
    .option("--metrics-host <address>", "address for the metrics endpoint (default 0.0.0.0)")
    .option("--json", "one JSON line per event on stdout");
  addPthOptions(command).action(lazyAction(io, async () => (await import("../actions/worker.js")).worker));
}
