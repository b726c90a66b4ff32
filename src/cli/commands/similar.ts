/** `vidmae similar`, `vidmae duplicates`, `vidmae search-moments`: distance means similarity. */
import type { Command } from "commander";
import { LIMITS, addPthOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `similar`, `duplicates` and `search-moments`.
 *
 * @example
 * // npx vidmae similar clip.mp4 --db vidmae.db --k 5
 * // npx vidmae similar --id 3 --db vidmae.db --level clip
 * // npx vidmae duplicates --db vidmae.db --threshold 0.02
 * // npx vidmae search-moments query.mp4 --db vidmae.db
 */
export function registerSimilar(program: Command, io: CliIo): void {
  const flags = (c: Command) =>
    addPthOptions(
      c
        .requiredOption("--db <file>", "the store")
        .option("--space <id|key>", "embedding space (default: the only one)")
        .option("--metric <cosine|l2>", "distance (default cosine: 1 - cosine similarity)")
        .option("--json", "print JSON")
        .option(
          "--threads <n>",
          LIMITS.threads.help("onnxruntime intra-op threads (when a video is embedded)"),
        )
        .option("--provider <cpu|cuda>", "execution provider (when a video is embedded)"),
    );

  flags(
    program
      .command("similar [video]")
      .description("nearest stored videos (or clips) to a video file or a stored video"),
  )
    .option("--id <id>", LIMITS.id.help("a stored video's id instead of a file"))
    .option("--k <k>", LIMITS.k.help("how many", 10))
    .option(
      "--level <video|clip>",
      "compare with videos (default) or with clips, which carry their time ranges",
    )
    .option("--approximate", "use the HNSW index beside the store (built or updated first)")
    .option("--store", "also store the query video in the space")
    .action(lazyAction(io, async () => (await import("../actions/similar.js")).similar));

  flags(program.command("duplicates").description("groups of near-duplicate videos"))
    .option(
      "--threshold <d>",
      LIMITS.threshold.help("largest distance inside a group", "0.02 cosine distance"),
    )
    .action(lazyAction(io, async () => (await import("../actions/similar.js")).duplicates));

  flags(
    program
      .command("search-moments <video>")
      .description("the time ranges inside stored videos that best match a query video or clip"),
  )
    .option("--k <k>", LIMITS.k.help("how many ranges", 10))
    .action(lazyAction(io, async () => (await import("../actions/similar.js")).searchMomentsCommand));
}
