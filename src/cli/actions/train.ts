/** `vidmae train`: fit a pipeline on a store's labelled embeddings (or on arrays) and save it as a model file. */
import { z } from "zod";
import { VidmaeError, displayPath } from "../../errors.js";
import { loadLabelledData, type DataSource, type LabelledData } from "../../classify/dataset.js";
import {
  crossValidationFolds,
  evaluateClassifier,
  formatEvaluation,
  type Evaluation,
} from "../../classify/evaluate.js";
import { SavedModel } from "../../classify/model-file.js";
import { describeSpace } from "../../space/compare.js";
import { DEFAULT_PIPELINE_SPEC, pipelineFromSpec } from "../../classify/spec.js";
import { LIMITS, parseOptions } from "../options.js";
import { stepProgress, type StepProgress } from "../progress.js";
import type { CliIo } from "../run.js";

/** The input flags `train` and `evaluate` share, parsed. */
export const dataOptionsSchema = z.object({
  db: z.string().min(1).optional(),
  space: z.string().min(1).optional(),
  x: z.string().min(1).optional(),
  y: z.string().min(1).optional(),
  pipeline: z.string().default(DEFAULT_PIPELINE_SPEC),
  seed: LIMITS.seed.schema().default(0),
});

/**
 * The data source the flags name: exactly one of `--db` and `--x` (with `--y`).
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for a missing or mixed source
 * @example
 * const source = dataSource(opts); // { db: "vidmae.db", space: undefined }
 */
export function dataSource(opts: z.infer<typeof dataOptionsSchema>): DataSource {
  if ((opts.db === undefined) === (opts.x === undefined))
    throw new VidmaeError("E_INVALID_ARGUMENT", "Give the training data with either --db or --x and --y");
  if (opts.db !== undefined) {
    if (opts.y !== undefined) throw new VidmaeError("E_INVALID_ARGUMENT", "--y goes with --x, not with --db");
    return { db: opts.db, space: opts.space };
  }
  if (opts.y === undefined) throw new VidmaeError("E_INVALID_ARGUMENT", "--x needs --y (one label per row)");
  if (opts.space !== undefined)
    throw new VidmaeError("E_INVALID_ARGUMENT", "--space goes with --db, not with --x");
  return { x: opts.x!, y: opts.y };
}

/**
 * Says on stderr what was loaded: rows, skipped unlabelled videos, features, classes, space; and, in one more
 * line, the videos whose paths disagree on their label.
 *
 * @example
 * reportData(io, await loadLabelledData(source));
 */
export function reportData(io: CliIo, data: LabelledData): void {
  const classes = new Set(data.y).size;
  const from = data.space === null ? "" : ` from space ${data.space.id} ${describeSpace(data.space)}`;
  const skipped = data.skipped > 0 ? `; ${data.skipped} without a label skipped` : "";
  io.say(`${data.y.length} labelled rows${from}${skipped}; ${data.X.cols} features, ${classes} classes`);
  if (data.conflicts !== undefined) io.say(`warning: ${data.conflicts}`);
}

/**
 * {@link evaluateClassifier} with one tick of `progress` per fold; the bar is closed even when a fold throws.
 *
 * @example
 * const evaluation = evaluateWithProgress(stepProgress(io, "folds", 5), estimator, X, y, folds);
 */
export function evaluateWithProgress(
  progress: StepProgress,
  ...[estimator, X, y, folds]: Parameters<typeof evaluateClassifier>
): Evaluation {
  try {
    return evaluateClassifier(estimator, X, y, folds, { onProgress: progress.update });
  } finally {
    progress.done();
  }
}

const schema = dataOptionsSchema.extend({
  out: z.string().min(1),
  cv: LIMITS.folds.schema().optional(),
  json: z.boolean().default(false),
});

/**
 * `vidmae train`: fits a pipeline on labelled data (optionally cross-validated first) and saves the model
 * file; `--json` prints the cross-validation report and the saved model as one JSON object. `raw` is
 * commander's options, checked here.
 *
 * @example
 * await train(cliIo(), { db: "vidmae.db", out: "model.json", cv: "5" });
 */
export async function train(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const source = dataSource(opts);
  pipelineFromSpec(opts.pipeline); // a bad SPEC fails before any data is read
  const data = await loadLabelledData(source);
  if (!opts.json) reportData(io, data);
  let metrics = null;
  if (opts.cv !== undefined) {
    const progress = stepProgress(io, "cross-validation folds", opts.cv, { json: opts.json });
    const evaluation = evaluateWithProgress(
      progress,
      pipelineFromSpec(opts.pipeline),
      data.X,
      data.y,
      crossValidationFolds(data.y, opts.cv, opts.seed),
    );
    if (!opts.json) {
      io.stdout.write(`${opts.cv}-fold cross-validation (seed ${opts.seed}):\n\n`);
      io.stdout.write(formatEvaluation(evaluation));
    }
    metrics = evaluation.report;
  }
  const model = SavedModel.fit(data, opts.pipeline, { metrics });
  await model.save(opts.out);
  const { classes, nSamples, nFeatures } = model.info;
  if (opts.json) {
    const saved = { path: opts.out, pipeline: opts.pipeline, classes, rows: nSamples, features: nFeatures };
    io.stdout.write(`${JSON.stringify({ cv: metrics, model: saved })}\n`);
    return;
  }
  io.stdout.write(
    `saved ${displayPath(opts.out)}: ${opts.pipeline}, ${model.info.classes.length} classes, ${model.info.nSamples} rows x ${model.info.nFeatures} features\n`,
  );
}
