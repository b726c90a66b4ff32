/** `vidmae evaluate`: cross-validated or held-out scores of a pipeline, as a report or JSON. */
import { z } from "zod";
import { VidmaeError, displayPath } from "../../errors.js";
import { loadArrayData, loadLabelledData } from "../../classify/dataset.js";
import {
  crossValidationFolds,
  formatEvaluation,
  holdOutFolds,
  withTestSet,
} from "../../classify/evaluate.js";
import type { Label } from "../../classify/base.js";
import type { Fold } from "../../classify/model-selection/stratified-k-fold.js";
import { pipelineFromSpec } from "../../classify/spec.js";
import type { Matrix } from "../../numeric/matrix.js";
import { LIMITS, parseOptions } from "../options.js";
import type { CliIo } from "../run.js";
import { stepProgress } from "../progress.js";
import { dataOptionsSchema, dataSource, evaluateWithProgress, reportData } from "./train.js";

const schema = dataOptionsSchema.extend({
  cv: LIMITS.folds.schema().optional(),
  testX: z.string().min(1).optional(),
  testY: z.string().min(1).optional(),
  testSize: LIMITS.fraction.schema().optional(),
  json: z.boolean().default(false),
});

/**
 * `vidmae evaluate`: scores a pipeline by k-fold CV, a held-out fraction or a test set; prints a report or
 * JSON. `raw` is commander's options, checked here.
 *
 * @example
 * await evaluate(cliIo(), { db: "vidmae.db", cv: "5", json: true });
 */
export async function evaluate(io: CliIo, raw: Record<string, unknown>): Promise<void> {
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
  if (!opts.json) reportData(io, data);
  let X: Matrix = data.X;
  let y: readonly Label[] = data.y;
  let folds: Fold[];
  let method: string;
  if (testSet) {
    const stacked = withTestSet(data, loadArrayData(opts.testX!, opts.testY!));
    ({ X, y, folds } = stacked);
    method = `test set ${displayPath(opts.testX!)}`;
  } else if (opts.testSize !== undefined) {
    folds = holdOutFolds(data.y, opts.testSize, opts.seed);
    method = `held-out ${opts.testSize} (seed ${opts.seed})`;
  } else {
    const k = opts.cv ?? 5;
    folds = crossValidationFolds(data.y, k, opts.seed);
    method = `${k}-fold cross-validation (seed ${opts.seed})`;
  }
  const progress = stepProgress(io, "evaluation folds", folds.length, { json: opts.json });
  const evaluation = evaluateWithProgress(progress, estimator, X, y, folds);
  if (opts.json) io.stdout.write(`${JSON.stringify(evaluation.report)}\n`);
  else io.stdout.write(`${opts.pipeline}, ${method}:\n\n${formatEvaluation(evaluation)}`);
}
