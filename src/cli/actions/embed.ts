/** `vidmae embed`: videos → embeddings in a store, resumable, with progress. */
import cliProgress from "cli-progress";
import { z } from "zod";
import { VidmaeError, escapeControls } from "../../errors.js";
import { type EmbedEvent, type LabelSource, embedCollection } from "../../embed/collection.js";
import { Embedder } from "../../embed/embedder.js";
import { readLabelsCsv } from "../../embed/labels.js";
import { openStore } from "../../store/open.js";
import { loadCliModel } from "../load-model.js";
import { LIMITS, modelOptionsSchema, parseOptions, samplingOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";
import { embedOnQueue, queueEmbedOptionsSchema } from "./queue.js";

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
function reporter(io: CliIo, json: boolean): { onEvent: (e: EmbedEvent) => void; stop: () => void } {
  if (json) return { onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`), stop: () => {} };
  const bar = io.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          // Only a real terminal stream has isTTY set.
          stream: io.stderr as NodeJS.WriteStream,
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
        io.stderr.write(`vidmae: ${e.total} videos, ${e.todo} to embed (space ${e.space.id})\n`);
        bar?.start(e.todo, 0, { rate: "0.00" });
      } else if (e.type === "done" || e.type === "failed") {
        if (e.type === "done") clips += e.clips;
        // Clear the bar's line first so the message is not drawn over it; the next update redraws the bar.
        else io.stderr.write(`${bar ? "\r\x1b[K" : ""}vidmae: failed: ${escapeControls(e.message)}\n`);
        bar?.increment(1, { rate: (clips / ((performance.now() - t0) / 1000)).toFixed(2) });
      } else if (e.type === "end") {
        bar?.stop();
        const s = e.summary;
        const before = s.failedBefore ? `, ${s.failedBefore} failed before (rerun with --retry-failed)` : "";
        io.stderr.write(
          `vidmae: done ${s.done}, skipped ${s.skipped} already stored, failed ${s.failed}${before} (${s.clips} clips in ${s.seconds.toFixed(1)} s)${s.interrupted ? ", interrupted" : ""}\n`,
        );
        for (const f of s.failures) io.stderr.write(`  ${f.code} ${escapeControls(f.message)}\n`);
        for (const w of s.warnings ?? []) io.stderr.write(`vidmae: warning: ${escapeControls(w)}\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}

/**
 * `vidmae embed <inputs...>`: embeds videos into the store, locally or on a queue; first Ctrl-C finishes the
 * batch in flight. Exit 1 if a video failed, 130 if interrupted. `raw` is commander's options, checked here.
 *
 * @example
 * await embed(cliIo(), ["videos/"], { db: "vidmae.db", labelsFromDirs: true });
 */
export async function embed(io: CliIo, inputs: string[], raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  if (opts.labelsFromDirs && opts.labels)
    throw new VidmaeError("E_INVALID_ARGUMENT", "Use either --labels-from-dirs or --labels, not both");
  const labels: LabelSource | undefined = opts.labelsFromDirs
    ? { fromDirs: true }
    : opts.labels
      ? { map: await readLabelsCsv(opts.labels) }
      : undefined;
  const store = await openStore(opts.db, { onWarning: io.say });
  const model = await loadCliModel(opts, io);
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
    io.stderr.write("\nvidmae: interrupted; finishing the current batch (Ctrl-C again to quit now)\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  const report = reporter(io, opts.json);
  try {
    const summary = opts.queue
      ? await embedOnQueue(io, store, embedder, inputs, {
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
    if (summary.interrupted) io.setExitCode(130);
    else if (summary.failed > 0 || summary.failedBefore > 0) io.setExitCode(1);
  } finally {
    report.stop();
    process.off("SIGINT", onSigint);
    await model.release();
    await store.close();
  }
}
