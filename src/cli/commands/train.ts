/** `vidmae train`: fit a pipeline on a store's labelled embeddings (or on arrays) and save it as a model file. */
import type { Command } from "commander";
import { DEFAULT_PIPELINE_HELP, LIMITS } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Adds the input flags of `train` and `evaluate`: a store (`--db`, `--space`) or arrays (`--x`, `--y`), the
 * pipeline and the seed.
 *
 * @example
 * addDataOptions(program.command("evaluate"));
 */
export function addDataOptions(command: Command): Command {
  return command
    .option("--db <file>", "the store holding labelled embeddings")
    .option("--space <id|key>", "embedding space in the store (default: the only one)")
    .option("--x <npy>", "feature matrix (float [N, D] .npy) made elsewhere, instead of --db")
    .option("--y <txt>", "labels for --x, one per line")
    .option("--pipeline <spec>", `pipeline SPEC (default ${DEFAULT_PIPELINE_HELP})`)
    .option("--seed <n>", LIMITS.seed.help("seed of the fold shuffle and of the held-out split", 0));
}

/**
 * Registers `train`.
 *
 * @example
 * // npx vidmae train --db vidmae.db --pipeline "standard-scaler,pca(n_components=64),logistic-regression" --out model.json --cv 5
 */
export function registerTrain(program: Command, io: CliIo): void {
  addDataOptions(
    program
      .command("train")
      .description("fit a pipeline on labelled embeddings (videos without a label are skipped) and save it"),
  )
    .requiredOption("--out <file>", "the model file to write (JSON)")
    .option(
      "--cv <k>",
      LIMITS.folds.help("first print k-fold stratified cross-validation metrics, then fit on everything"),
    )
    .option(
      "--json",
      'print {"cv", "model"} as one JSON object: the --cv report (or null) and what was saved',
    )
    .action(lazyAction(io, async () => (await import("../actions/train.js")).train));
}
