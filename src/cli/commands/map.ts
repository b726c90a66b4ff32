/** `vidmae map`: a 2-D picture of a store's embedding space as interactive HTML, SVG or PNG. */
import type { Command } from "commander";
import { LIMITS, MAX_MAP_PIXELS } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `map`.
 *
 * @example
 * // npx vidmae map --db vidmae.db --method umap --out map.html
 */
export function registerMap(program: Command, io: CliIo): void {
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
    .action(lazyAction(io, async () => (await import("../actions/map.js")).map));
}
