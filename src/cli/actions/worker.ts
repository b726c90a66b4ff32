/** `vidmae worker`: take embedding jobs from the queue until stopped. */
import { z } from "zod";
import { type WorkerEvent, runWorker } from "../../distributed/worker.js";
import { queueNameSchema } from "../../distributed/names.js";
import { openStore } from "../../store/open.js";
import { displayPath, escapeControls } from "../../errors.js";
import { LIMITS, parseOptions, pthOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";

const schema = z.object({
  queue: z.string().min(1),
  db: z.string().min(1),
  queueName: queueNameSchema.optional(),
  id: z.string().min(1).optional(),
  concurrency: LIMITS.concurrency.schema().default(1),
  threads: LIMITS.threads.schema().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
  batch: LIMITS.batch.schema().default(1),
  lockMs: LIMITS.lockMs.schema().default(30_000),
  metricsPort: LIMITS.port.schema().optional(),
  metricsHost: z.string().min(1).default("0.0.0.0"),
  json: z.boolean().default(false),
  ...pthOptionsSchema.shape,
});

/** One line per event: JSON on stdout, or a sentence on stderr. */
function printer(io: CliIo, json: boolean, where: () => string): (e: WorkerEvent) => void {
  if (json) return (e) => io.stdout.write(`${JSON.stringify(e)}\n`);
  return (e) => {
    const line = {
      ready: () => `ready on ${where()}`,
      active: () => null,
      done: () =>
        e.type === "done" && `done ${displayPath(e.uri)} (${e.clips} clips in ${e.seconds.toFixed(1)} s)`,
      skipped: () => e.type === "skipped" && `skipped ${displayPath(e.uri)} (already stored)`,
      failed: () =>
        e.type === "failed" &&
        `failed ${displayPath(e.uri)} (attempt ${e.attempt} of ${e.attempts}${e.final ? ", recorded as failed" : ", will retry"}): ${e.code} ${e.message}`,
      error: () => e.type === "error" && `error: ${e.message}`,
    }[e.type]();
    if (line) io.stderr.write(`vidmae worker ${escapeControls(`${e.worker}: ${line}`)}\n`);
  };
}

/**
 * `vidmae worker`: takes embedding jobs from the queue until SIGINT/SIGTERM (a second signal exits at once).
 * `raw` is commander's options, checked here.
 *
 * @example
 * await worker(cliIo(), { queue: "redis://queue:6379", db: "postgres://vidmae@db/vidmae" });
 */
export async function worker(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const store = await openStore(opts.db);
  let metrics = "";
  const onEvent = printer(io, opts.json, () => metrics);
  const worker = await runWorker(store, {
    queueUrl: opts.queue,
    queueName: opts.queueName,
    id: opts.id,
    concurrency: opts.concurrency,
    threads: opts.threads,
    executionProvider: opts.provider,
    batch: opts.batch,
    lockMs: opts.lockMs,
    metricsPort: opts.metricsPort,
    metricsHost: opts.metricsHost,
    numHeads: opts.numHeads,
    arch: opts.arch,
    onWarning: (m) => io.say(`warning: ${m}`),
    onEvent: (e) => {
      if (e.type === "ready")
        metrics = `queue ${e.queue}${e.metricsPort === null ? "" : `, metrics on port ${e.metricsPort}`}`;
      onEvent(e);
    },
  }).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  // First signal: finish the jobs in progress, then leave; second: leave at once (their locks expire and
  // other workers take them over).
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      io.stderr.write(
        `vidmae worker ${escapeControls(worker.id)}: ${signal}: finishing the jobs in progress\n`,
      );
      resolve();
    };
    let stopping = false;
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await worker.close();
  await store.close();
}
