/** `vidmae evaluate`: cross-validated or held-out scores of a pipeline, as a report or JSON. */
import type { Command } from "commander";
import { z } from "zod";
import { VidmaeError, displayPath } from "../../errors.js";
import { loadArrayData, loadLabelledData } from "../../classify/dataset.js";
import {
  crossValidationFolds,
  evaluateClassifier,
  formatEvaluation,
  holdOutFolds,
  withTestSet,
} from "../../classify/evaluate.js";
import { pipelineFromSpec } from "../../classify/spec.js";
import { LIMITS, parseOptions } from "../options.js";
import { action } from "../run.js";
import { addDataOptions, dataOptionsSchema, dataSource, reportData } from "./train.js";

const schema = dataOptionsSchema.extend({
  cv: LIMITS.folds.schema().optional(),
  testX: z.string().min(1).optional(),
  testY: z.string().min(1).optional(),
  testSize: LIMITS.fraction.schema().optional(),
  json: z.boolean().default(false),
});

/**
 * Registers `evaluate`.
 *
 * @example
 * // npx vidmae evaluate --db vidmae.db --pipeline "k-neighbors(metric=cosine)" --cv 5 --json
 */
export function registerEvaluate(program: Command): void {
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
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const source = dataSource(opts);
        const testSet = opts.testX !== undefined || opts.testY !== undefined;
        const methods = [opts.cv !== undefined, testSet, opts.testSize !== undefined].filter(Boolean).length;
        if (methods > 1)
          throw new VidmaeError(
            "E_INVALID_ARGUMENT",
            "Choose one evaluation: --cv, --test-x with --test-y, or --test-size",
          );
        if (testSet && (opts.testX === undefined || opts.testY === undefined))
          throw new VidmaeError("E_INVALID_ARGUMENT", "--test-x and --test-y go together");
        const estimator = pipelineFromSpec(opts.pipeline);
        const data = await loadLabelledData(source);
        if (!opts.json) reportData(data);
        let evaluation;
        let method: string;
        if (testSet) {
          const stacked = withTestSet(data, loadArrayData(opts.testX!, opts.testY!));
          evaluation = evaluateClassifier(estimator, stacked.X, stacked.y, stacked.folds);
          method = `test set ${displayPath(opts.testX!)}`;
        } else if (opts.testSize !== undefined) {
          evaluation = evaluateClassifier(
            estimator,
            data.X,
            data.y,
            holdOutFolds(data.y, opts.testSize, opts.seed),
          );
          method = `held-out ${opts.testSize} (seed ${opts.seed})`;
        } else {
          const k = opts.cv ?? 5;
          evaluation = evaluateClassifier(
            estimator,
            data.X,
            data.y,
            crossValidationFolds(data.y, k, opts.seed),
          );
          method = `${k}-fold cross-validation (seed ${opts.seed})`;
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(evaluation.report)}\n`);
        else process.stdout.write(`${opts.pipeline}, ${method}:\n\n${formatEvaluation(evaluation)}`);
      }),
    );
}
