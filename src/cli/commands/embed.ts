/** `vidmae embed`: videos → embeddings in a store, resumable, with progress. */
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { VidmaeError, escapeControls } from "../../errors.js";
import { type EmbedEvent, type LabelSource, embedCollection } from "../../embed/collection.js";
import { Embedder } from "../../embed/embedder.js";
import { readLabelsCsv } from "../../embed/labels.js";
import { openStore } from "../../store/open.js";
import { loadCliModel } from "../load-model.js";
import {
  LIMITS,
  addModelOptions,
  addSamplingOptions,
  modelOptionsSchema,
  parseOptions,
  samplingOptionsSchema,
} from "../options.js";
import { action } from "../run.js";
import { addQueueEmbedOptions, embedOnQueue, queueEmbedOptionsSchema } from "./queue.js";

const schema = modelOptionsSchema
  .merge(samplingOptionsSchema)
  .merge(queueEmbedOptionsSchema)
  .extend({
    db: z.string().min(1),
    pooling: z.enum(["auto", "mean", "head"], { error: "one of: auto, mean, head" }).default("auto"),
    batch: LIMITS.batch.schema().default(1),
    labelsFromDirs: z.boolean().default(false),
    labels: z.string().min(1).optional(),
    retryFailed: z.boolean().default(false),
    json: z.boolean().default(false),
  });

/** Renders events: JSON lines, or a bar on a terminal with failures printed above it. */
function reporter(json: boolean): { onEvent: (e: EmbedEvent) => void; stop: () => void } {
  if (json) return { onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`), stop: () => {} };
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: "embedding [{bar}] {value}/{total} videos | {rate} clips/s | ETA {eta_formatted}",
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let clips = 0;
  const t0 = performance.now();
  return {
    onEvent: (e) => {
      if (e.type === "start") {
        process.stderr.write(`vidmae: ${e.total} videos, ${e.todo} to embed (space ${e.space.id})\n`);
        bar?.start(e.todo, 0, { rate: "0.00" });
      } else if (e.type === "done" || e.type === "failed") {
        if (e.type === "done") clips += e.clips;
        // Clear the bar's line first so the message is not drawn over it; the next update redraws the bar.
        else process.stderr.write(`${bar ? "\r\x1b[K" : ""}vidmae: failed: ${escapeControls(e.message)}\n`);
        bar?.increment(1, { rate: (clips / ((performance.now() - t0) / 1000)).toFixed(2) });
      } else if (e.type === "end") {
        bar?.stop();
        const s = e.summary;
        const before = s.failedBefore ? `, ${s.failedBefore} failed before (rerun with --retry-failed)` : "";
        process.stderr.write(
          `vidmae: done ${s.done}, skipped ${s.skipped} already stored, failed ${s.failed}${before} (${s.clips} clips in ${s.seconds.toFixed(1)} s)${s.interrupted ? ", interrupted" : ""}\n`,
        );
        for (const f of s.failures) process.stderr.write(`  ${f.code} ${escapeControls(f.message)}\n`);
        for (const w of s.warnings ?? []) process.stderr.write(`vidmae: warning: ${escapeControls(w)}\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}

/**
 * Registers `embed`.
 *
 * @example
 * // npx vidmae embed videos/ --db vidmae.db --sampling clips --clips 2 --labels-from-dirs
 */
export function registerEmbed(program: Command): void {
  addQueueEmbedOptions(
    addSamplingOptions(
      addModelOptions(
        program
          .command("embed <inputs...>")
          .description("embed videos (files, folders, globs) into a store; reruns skip what is stored"),
      ),
    ),
  )
    .requiredOption("--db <file|url>", "the store: a SQLite file (created if missing) or postgres://…")
    .option(
      "--pooling <auto|mean|head>",
      "auto: the head's input for classification checkpoints, else the token mean",
    )
    .option("--batch <n>", LIMITS.batch.help("clips per inference batch, across videos", 1))
    .option("--labels-from-dirs", "label each video with its parent folder's name (UCF101 / Kinetics layout)")
    .option("--labels <csv>", "labels from a path,label CSV file")
    .option("--retry-failed", "embed videos that failed before again")
    .option("--json", "one JSON line per event instead of a progress bar")
    .action(
      action(async (inputs: string[], raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        if (opts.labelsFromDirs && opts.labels)
          throw new VidmaeError("E_INVALID_ARGUMENT", "Use either --labels-from-dirs or --labels, not both");
        const labels: LabelSource | undefined = opts.labelsFromDirs
          ? { fromDirs: true }
          : opts.labels
            ? { map: await readLabelsCsv(opts.labels) }
            : undefined;
        const store = await openStore(opts.db);
        const model = await loadCliModel(opts);
        const embedder = await Embedder.create(model, {
          numFrames: opts.numFrames,
          sampling: { strategy: opts.sampling, clips: opts.clips, frameSampleRate: opts.frameSampleRate },
          crops: opts.crops,
          pooling: opts.pooling,
          batch: opts.batch,
        });
        // First Ctrl-C: finish the batch in flight and save it; second: leave at once.
        const controller = new AbortController();
        const onSigint = () => {
          if (controller.signal.aborted) process.exit(130);
          process.stderr.write(
            "\nvidmae: interrupted; finishing the current batch (Ctrl-C again to quit now)\n",
          );
          controller.abort();
        };
        process.on("SIGINT", onSigint);
        const report = reporter(opts.json);
        try {
          const summary = opts.queue
            ? await embedOnQueue(store, embedder, inputs, {
                ...opts,
                queue: opts.queue,
                labels,
                signal: controller.signal,
                onEvent: report.onEvent,
              })
            : await embedCollection(store, embedder, inputs, {
                modelName: opts.model,
                labels,
                retryFailed: opts.retryFailed,
                signal: controller.signal,
                onEvent: report.onEvent,
              });
          if (summary.interrupted) process.exitCode = 130;
          else if (summary.failed > 0 || summary.failedBefore > 0) process.exitCode = 1;
        } finally {
          report.stop();
          process.off("SIGINT", onSigint);
          await model.release();
          await store.close();
        }
      }),
    );
}
