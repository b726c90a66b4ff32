/** `vidmae embed`: videos → embeddings in a store, resumable, with progress. */
import type { Command } from "commander";
import { LIMITS, addModelOptions, addSamplingOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";
import { addQueueEmbedOptions } from "./queue.js";

/**
 * Registers `embed`.
 *
 * @example
 * // npx vidmae embed videos/ --db vidmae.db --sampling clips --clips 2 --labels-from-dirs
 */
export function registerEmbed(program: Command, io: CliIo): void {
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
    .action(lazyAction(io, async () => (await import("../actions/embed.js")).embed));
}
