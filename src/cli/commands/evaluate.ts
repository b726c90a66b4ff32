/** `vidmae evaluate`: cross-validated or held-out scores of a pipeline, as a report or JSON. */
import type { Command } from "commander";
import { LIMITS } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";
import { addDataOptions } from "./train.js";

/**
 * Registers `evaluate`.
 *
 * @example
 * // npx vidmae evaluate --db vidmae.db --pipeline "k-neighbors(metric=cosine)" --cv 5 --json
 */
export function registerEvaluate(program: Command, io: CliIo): void {
  addDataOptions(
    program
      .command("evaluate")
      .description(
        "score a pipeline on data it was not fitted on: k-fold CV (default 5), a held-out split or a test set",
      ),
  )
    .option(
      "--cv <k>",
      LIMITS.folds.help("stratified k-fold cross-validation with a seeded shuffle (the default)", 5),
    )
    .option("--test-x <npy>", "a separate test set's features (fit on all the training data)")
    .option("--test-y <txt>", "labels for --test-x, one per line")
    .option(
      "--test-size <fraction>",
      LIMITS.fraction.help("hold out this stratified, seeded fraction, e.g. 0.25"),
    )
    .option("--json", "print the metrics as one JSON object")
    .action(lazyAction(io, async () => (await import("../actions/evaluate.js")).evaluate));
}
