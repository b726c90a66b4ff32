/** `vidmae demo`: the whole job on synthetic videos, offline: make, embed, compare, print the table. */
import { join } from "node:path";
import { z } from "zod";
import { formatDemoTable } from "../../demo/compare.js";
import { runDemo, type DemoStep } from "../../demo/run.js";
import { DEMO_CLASSES } from "../../demo/videos.js";
import { DEFAULT_MODEL, LIMITS, parseOptions } from "../options.js";
import { downloadBar, stepProgress, type StepProgress } from "../progress.js";
import type { CliIo } from "../run.js";
import { displayPath } from "../../errors.js";
import { writeMap } from "../../map/write-map.js";

const schema = z.object({
  model: z.string().min(1).optional(),
  out: z.string().min(1).default("vidmae-demo"),
  videosPerClass: LIMITS.videosPerClass.schema().default(6),
  seed: LIMITS.seed.schema().default(0),
  classes: z
    .string()
    .transform((list) => list.split(",").map((c) => c.trim()))
    .pipe(z.array(z.enum(DEMO_CLASSES, { error: `comma list of: ${DEMO_CLASSES.join(", ")}` })))
    .optional(),
  threads: LIMITS.threads.schema().optional(),
  json: z.boolean().default(false),
});

const STEP_LABELS: Record<DemoStep, string> = {
  videos: "making videos",
  embedding: "embedding",
  classifiers: "fitting classifiers",
};

/**
 * `vidmae demo`: makes the synthetic set, embeds it, compares the methods and prints the table (or JSON).
 * `raw` is commander's options, checked here.
 *
 * @example
 * await demo(cliIo(), { out: "vidmae-demo", videosPerClass: "6" });
 */
export async function demo(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const bar = downloadBar(io.stderr);
  // One bar per step, started at its first report; the previous one is closed first so bars never overlap.
  let current: { step: DemoStep; progress: StepProgress } | undefined;
  const onStep = (step: DemoStep, done: number, total: number) => {
    if (current?.step !== step) {
      current?.progress.done();
      current = { step, progress: stepProgress(io, STEP_LABELS[step], total, { json: opts.json }) };
    }
    current.progress.update(done, total);
  };
  const result = await runDemo({
    outDir: opts.out,
    model: opts.model,
    hubModel: process.env.VIDMAE_MODEL || DEFAULT_MODEL,
    videosPerClass: opts.videosPerClass,
    seed: opts.seed,
    classes: opts.classes,
    runtime: { threads: opts.threads },
    onProgress: io.say,
    onDownload: bar.update,
    onStep,
    renderMap: async ({ store, space, outDir }) => {
      const out = join(outDir, "map.png");
      await writeMap(await store.loadVectors(space.id, { level: "video" }), {
        method: "pca",
        seed: opts.seed,
        out,
      });
      return out;
    },
  }).finally(() => {
    bar.stop();
    current?.progress.done();
  });
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const { split } = result;
  io.stdout.write(
    `\n${result.videos} videos, ${result.classes.length} classes (${result.classes.join(", ")}); ` +
      `the same stratified split for every method: ${split.train} train, ${split.test} test (seed ${split.seed})\n` +
      `embeddings: ${result.model.name}, ${result.model.embeddingDims} dims; ` +
      `pixels: ${result.pixels.frames} frames x ${result.pixels.size}x${result.pixels.size} grey, ${result.pixels.dims} dims\n\n`,
  );
  io.stdout.write(formatDemoTable(result.rows));
  for (const note of result.notes) io.stdout.write(`\nNOTE: ${note}\n`);
  io.stdout.write(
    `\nresults: ${displayPath(result.files.results)}${result.files.map ? `, map: ${displayPath(result.files.map)}` : ""} (${result.seconds.toFixed(1)} s)\n`,
  );
}
