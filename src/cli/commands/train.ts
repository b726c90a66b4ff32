/** `vidmae train`: fit a pipeline on a store's labelled embeddings (or on arrays) and save it as a model file. */
import type { Command } from "commander";
import { z } from "zod";
import { VidmaeError, displayPath } from "../../errors.js";
import { loadLabelledData, type DataSource, type LabelledData } from "../../classify/dataset.js";
import { crossValidationFolds, evaluateClassifier, formatEvaluation } from "../../classify/evaluate.js";
import { describeModelSpace, modelSpace, SavedModel } from "../../classify/model-file.js";
import { DEFAULT_PIPELINE_SPEC, pipelineFromSpec } from "../../classify/spec.js";
import { LIMITS, parseOptions } from "../options.js";
import { action, say } from "../run.js";

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
    .option("--pipeline <spec>", `pipeline SPEC (default ${DEFAULT_PIPELINE_SPEC})`)
    .option("--seed <n>", LIMITS.seed.help("seed of the fold shuffle and of the held-out split", 0));
}

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
 * Says on stderr what was loaded: rows, skipped unlabelled videos, features, classes, space.
 *
 * @example
 * reportData(await loadLabelledData(source));
 */
export function reportData(data: LabelledData): void {
  const classes = new Set(data.y).size;
  const from =
    data.space === null ? "" : ` from space ${data.space.id} ${describeModelSpace(modelSpace(data.space))}`;
  const skipped = data.skipped > 0 ? `; ${data.skipped} without a label skipped` : "";
  say(`${data.y.length} labelled rows${from}${skipped}; ${data.X.cols} features, ${classes} classes`);
}

const schema = dataOptionsSchema.extend({
  out: z.string().min(1),
  cv: LIMITS.folds.schema().optional(),
});

/**
 * Registers `train`.
 *
 * @example
 * // npx vidmae train --db vidmae.db --pipeline "standard-scaler,pca(n_components=64),logistic-regression" --out model.json --cv 5
 */
export function registerTrain(program: Command): void {
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
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const source = dataSource(opts);
        pipelineFromSpec(opts.pipeline); // a bad SPEC fails before any data is read
        const data = await loadLabelledData(source);
        reportData(data);
        let metrics = null;
        if (opts.cv !== undefined) {
          const evaluation = evaluateClassifier(
            pipelineFromSpec(opts.pipeline),
            data.X,
            data.y,
            crossValidationFolds(data.y, opts.cv, opts.seed),
          );
          process.stdout.write(`${opts.cv}-fold cross-validation (seed ${opts.seed}):\n\n`);
          process.stdout.write(formatEvaluation(evaluation));
          metrics = evaluation.report;
        }
        const model = SavedModel.fit(data, opts.pipeline, { metrics });
        await model.save(opts.out);
        process.stdout.write(
          `saved ${displayPath(opts.out)}: ${opts.pipeline}, ${model.info.classes.length} classes, ${model.info.nSamples} rows x ${model.info.nFeatures} features\n`,
        );
      }),
    );
}
