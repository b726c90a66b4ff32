/** `vidmae demo`: the whole job on synthetic videos, offline: make, embed, compare, print the table. */
import type { Command } from "commander";
import { DEMO_CLASSES } from "../../demo/videos.js";
import { DEFAULT_MODEL, LIMITS } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `demo`.
 *
 * @example
 * // npx vidmae demo --out vidmae-demo --videos-per-class 6 --seed 0
 */
export function registerDemo(program: Command, io: CliIo): void {
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
    .action(lazyAction(io, async () => (await import("../actions/demo.js")).demo));
}
