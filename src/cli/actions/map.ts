/** `vidmae map`: a 2-D picture of a store's embedding space as interactive HTML, SVG or PNG. */
import { z } from "zod";
import { displayPath, invalidParameterError } from "../../errors.js";
import { SavedModel } from "../../classify/model-file.js";
import { COLOR_BY } from "../../map/map-data.js";
import { MAP_METHODS } from "../../map/project.js";
import { mapFormat, writeMap } from "../../map/write-map.js";
import { openStore, selectSpace } from "../../store/open.js";
import { LIMITS, MAX_MAP_PIXELS, parseOptions } from "../options.js";
import { stepProgress, type StepProgress } from "../progress.js";
import type { CliIo } from "../run.js";

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
 * `vidmae map`: projects a space to 2-D and writes an HTML, SVG or PNG map. `raw` is commander's options,
 * checked here.
 *
 * @example
 * await map(cliIo(), { db: "vidmae.db", out: "map.html", method: "umap" });
 */
export async function map(io: CliIo, raw: Record<string, unknown>): Promise<void> {
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
  const store = await openStore(opts.db, { onWarning: io.say });
  try {
    const space = await selectSpace(store, opts.space);
    model?.checkSpace(space, opts.classifier);
    const loading = stepProgress(io, "loading vectors", 0);
    const vectors = await store.loadVectors(space.id, { level: opts.level }).finally(loading.done);
    // The layout's line (a bar for t-SNE/UMAP iterations) gives way to the thumbnails' bar when they start.
    const layout = stepProgress(io, `fitting ${opts.method}`, 0);
    let thumbs: StepProgress | undefined;
    const { format, data } = await writeMap(vectors, {
      out: opts.out,
      method: opts.method,
      seed: opts.seed,
      color: opts.color,
      classifier: opts.color === "predicted" ? model?.classifier : undefined,
      thumbnails: opts.thumbnails && {
        onProgress: (done, total) => {
          layout.done();
          thumbs ??= stepProgress(io, "making thumbnails", total);
          thumbs.update(done, total);
        },
      },
      title: opts.title,
      width: opts.width,
      height: opts.height,
      onProgress: layout.update,
    }).finally(() => {
      layout.done();
      thumbs?.done();
    });
    io.stdout.write(
      `${displayPath(opts.out)}: ${format} map of ${data.points.length} ${opts.level === "clip" ? "clips" : "videos"} (${opts.method})\n`,
    );
  } finally {
    await store.close();
  }
}
