/** `vidmae demo`: the whole job on synthetic videos, offline: make, embed, compare, print the table. */
import { join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { formatDemoTable } from "../../demo/compare.js";
import { runDemo } from "../../demo/run.js";
import { DEMO_CLASSES } from "../../demo/videos.js";
import { DEFAULT_MODEL, LIMITS, parseOptions } from "../options.js";
import { downloadBar } from "../progress.js";
import { action, say } from "../run.js";
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

/**
 * Registers `demo`.
 *
 * @example
 * // npx vidmae demo --out vidmae-demo --videos-per-class 6 --seed 0
 */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "make a labelled synthetic video set, embed it, and compare classifiers on embeddings with PCA/LDA on raw pixels",
    )
    .option(
      "--model <dir|repo>",
      `VideoMAE to embed with (default: $VIDMAE_MODEL or ${DEFAULT_MODEL} when cached or reachable, else random weights)`,
    )
    .option("--out <dir>", "folder for the videos, the store and results.json (default vidmae-demo)")
    .option("--videos-per-class <n>", LIMITS.videosPerClass.help("videos per class", 6))
    .option("--seed <n>", LIMITS.seed.help("seed of the videos, the split and the fallback model", 0))
    .option("--classes <list>", `comma list of classes to make (default all: ${DEMO_CLASSES.join(",")})`)
    .option("--threads <n>", LIMITS.threads.help("onnxruntime intra-op threads"))
    .option("--json", "print the results as one JSON object instead of the table")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const bar = downloadBar();
        const result = await runDemo({
          outDir: opts.out,
          model: opts.model,
          hubModel: process.env.VIDMAE_MODEL || DEFAULT_MODEL,
          videosPerClass: opts.videosPerClass,
          seed: opts.seed,
          classes: opts.classes,
          runtime: { threads: opts.threads },
          onProgress: say,
          onDownload: bar.update,
          renderMap: async ({ store, space, outDir }) => {
            const out = join(outDir, "map.png");
            await writeMap(await store.loadVectors(space.id, { level: "video" }), {
              method: "pca",
              seed: opts.seed,
              out,
            });
            return out;
          },
        }).finally(bar.stop);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const { split } = result;
        process.stdout.write(
          `\n${result.videos} videos, ${result.classes.length} classes (${result.classes.join(", ")}); ` +
            `the same stratified split for every method: ${split.train} train, ${split.test} test (seed ${split.seed})\n` +
            `embeddings: ${result.model.name}, ${result.model.embeddingDims} dims; ` +
            `pixels: ${result.pixels.frames} frames x ${result.pixels.size}x${result.pixels.size} grey, ${result.pixels.dims} dims\n\n`,
        );
        process.stdout.write(formatDemoTable(result.rows));
        for (const note of result.notes) process.stdout.write(`\nNOTE: ${note}\n`);
        process.stdout.write(
          `\nresults: ${displayPath(result.files.results)}${result.files.map ? `, map: ${displayPath(result.files.map)}` : ""} (${result.seconds.toFixed(1)} s)\n`,
        );
      }),
    );
}
