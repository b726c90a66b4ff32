/** `vidmae map`: a 2-D picture of a store's embedding space as interactive HTML, SVG or PNG. */
import type { Command } from "commander";
import { z } from "zod";
import { displayPath, invalidParameterError } from "../../errors.js";
import { SavedModel } from "../../classify/model-file.js";
import { COLOR_BY } from "../../map/map-data.js";
import { MAP_METHODS } from "../../map/project.js";
import { mapFormat, writeMap } from "../../map/write-map.js";
import { openStore, selectSpace } from "../../store/open.js";
import { LIMITS, MAX_MAP_PIXELS, parseOptions } from "../options.js";
import { action } from "../run.js";

const schema = z.object({
  db: z.string().min(1),
  out: z.string().min(1),
  space: z.string().min(1).optional(),
  level: z.enum(["video", "clip"], { error: "one of: video, clip" }).default("video"),
  method: z.enum(MAP_METHODS, { error: `one of: ${MAP_METHODS.join(", ")}` }).default("pca"),
  color: z.enum(COLOR_BY, { error: `one of: ${COLOR_BY.join(", ")}` }).default("label"),
  classifier: z.string().min(1).optional(),
  seed: LIMITS.seed.schema().default(0),
  title: z.string().optional(),
  width: LIMITS.mapSide.schema().default(1000),
  height: LIMITS.mapSide.schema().default(700),
  thumbnails: z.boolean().default(true),
});

/**
 * Registers `map`.
 *
 * @example
 * // npx vidmae map --db vidmae.db --method umap --out map.html
 */
export function registerMap(program: Command): void {
  program
    .command("map")
    .description(
      "draw the embedding space in 2-D: interactive .html (hover, neighbours, thumbnails), .svg or .png",
    )
    .requiredOption("--db <file>", "the store")
    .requiredOption("--out <file>", "map.html, map.svg or map.png (the format follows the extension)")
    .option("--space <id|key>", "embedding space (default: the only one)")
    .option("--level <video|clip>", "one point per video (default) or per clip and crop")
    .option(
      "--method <pca|lda|tsne|umap>",
      "projection (default pca); lda needs labels, tsne/umap are seeded",
    )
    .option("--color <label|predicted>", "colour by stored label (default) or by --classifier's prediction")
    .option("--classifier <model.json>", "a model from vidmae train, for --color predicted")
    .option("--seed <n>", LIMITS.seed.help("seed of t-SNE and UMAP", 0))
    .option("--title <text>", "title of the picture")
    .option(
      "--width <px>",
      LIMITS.mapSide.help(`SVG/PNG width; width x height at most ${MAX_MAP_PIXELS}`, 1000),
    )
    .option("--height <px>", LIMITS.mapSide.help("SVG/PNG height", 700))
    .option("--no-thumbnails", "HTML without video thumbnails (skips decoding a frame per video)")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        // Both sides in range can still make a raster of gigabytes.
        if (opts.width * opts.height > MAX_MAP_PIXELS)
          throw invalidParameterError(
            "--width x --height",
            `at most ${MAX_MAP_PIXELS} pixels`,
            `${opts.width}x${opts.height}`,
          );
        mapFormat(opts.out);
        if (opts.color === "predicted" && opts.classifier === undefined)
          throw invalidParameterError("--classifier", "a model file when --color is predicted", undefined);
        const model = opts.classifier === undefined ? undefined : await SavedModel.load(opts.classifier);
        const store = await openStore(opts.db);
        try {
          const space = await selectSpace(store, opts.space);
          model?.checkSpace(space, opts.classifier);
          const vectors = await store.loadVectors(space.id, { level: opts.level });
          const { format, data } = await writeMap(vectors, {
            out: opts.out,
            method: opts.method,
            seed: opts.seed,
            color: opts.color,
            classifier: opts.color === "predicted" ? model?.classifier : undefined,
            thumbnails: opts.thumbnails,
            title: opts.title,
            width: opts.width,
            height: opts.height,
          });
          process.stdout.write(
            `${displayPath(opts.out)}: ${format} map of ${data.points.length} ${opts.level === "clip" ? "clips" : "videos"} (${opts.method})\n`,
          );
        } finally {
          await store.close();
        }
      }),
    );
}
