/**
 * The saved model of `vidmae train`: the fitted pipeline's JSON together with the embedding space it was
 * trained in, its classes, its evaluation and the library version. A model only predicts on vectors of its own
 * space: vectors of another model, sampling or pooling are refused with both spaces named.
 */
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { VidmaeError, wrapError } from "../errors.js";
import { assertSameSpace } from "../space/compare.js";
import { parseInput } from "../space/input.js";
import { type EmbeddingSpaceSpec, type KeyedSpace, keyedSpace, keyedSpaceSchema } from "../space/spec.js";
import { VERSION } from "../version.js";
import { type Classifier, type EstimatorJSON, type Label } from "./base.js";
import { estimatorFromJSON } from "./registry.js";
import { toArray, type Matrix } from "../numeric/matrix.js";
import { probabilities, type EvaluationReport } from "./evaluate.js";
import { pipelineFromSpec } from "./spec.js";

/** The `format` field that marks a vidmae model file. */
export const MODEL_FILE_FORMAT = "vidmae-classifier";

const label = z.union([z.string(), z.number()], { error: "string or number label" });
const score = z.number({ error: "number" });
const count = z.int({ error: "positive integer" }).positive({ error: "positive integer" });

const reportSchema = z.object(
  {
    accuracy: score,
    balanced_accuracy: score,
    macro_f1: score,
    top_k: z.record(z.string(), score),
    confusion: z.object({ labels: z.array(label), matrix: z.array(z.array(score)) }),
    folds: z.array(
      z.object({
        fold: z.int(),
        n_train: count,
        n_test: count,
        accuracy: score,
        balanced_accuracy: score,
        macro_f1: score,
      }),
    ),
  },
  { error: "evaluation report object or null" },
);

const modelFileSchema = z.object(
  {
    format: z.literal(MODEL_FILE_FORMAT, { error: `"${MODEL_FILE_FORMAT}"` }),
    formatVersion: z.literal(1, { error: "1" }),
    library: z.literal("vidmae", { error: '"vidmae"' }),
    version: z.string({ error: "version string" }),
    createdAt: z.string({ error: "ISO date string" }),
    pipeline: z.string({ error: "pipeline spec string" }),
    space: keyedSpaceSchema.nullable(),
    level: z.literal("video", { error: '"video"' }),
    nFeatures: count,
    nSamples: count,
    classes: z.array(label, { error: "array of labels" }).min(1, { error: "non-empty array of labels" }),
    metrics: reportSchema.nullable(),
    estimator: z.record(z.string(), z.unknown(), { error: "estimator JSON object" }),
  },
  { error: "object" },
);

/**
 * The JSON a model file holds.
 *
 * @example
 * const file: ModelFile = JSON.parse(await readFile("model.json", "utf8"));
 */
export type ModelFile = Omit<z.infer<typeof modelFileSchema>, "estimator" | "space" | "metrics"> & {
  space: KeyedSpace | null;
  metrics: EvaluationReport | null;
  estimator: EstimatorJSON;
};

/**
 * What a model predicts for a matrix: `classes` (the columns of `probabilities`), one label per row, and the
 * class probabilities per row when the final estimator has them (null otherwise).
 *
 * @example
 * const { predictions, probabilities } = model.predict(X);
 */
export interface ModelPrediction {
  classes: Label[];
  predictions: Label[];
  probabilities: number[][] | null;
}

/**
 * A trained classifier with the facts needed to use it safely: its embedding space, classes and evaluation.
 *
 * @example
 * const model = SavedModel.fit(data, "standard-scaler,logistic-regression");
 * await model.save("model.json");
 * const again = await SavedModel.load("model.json");
 * again.checkSpace(space); // throws when space is another embedding space
 * again.predict(X).predictions;
 */
export class SavedModel {
  private constructor(
    /** Everything the file holds but the estimator's JSON. */
    readonly info: Omit<ModelFile, "estimator">,
    /** The fitted pipeline. */
    readonly classifier: Classifier,
  ) {}

  /**
   * Fits the pipeline a SPEC describes on all of `data`.
   *
   * @param data.space - the space the rows come from (null when unknown, e.g. arrays from files)
   * @param options.metrics - an evaluation to record with the model (e.g. from cross-validation)
   * @throws VidmaeError as {@link pipelineFromSpec} and the estimators' `fit`
   * @example
   * const model = SavedModel.fit({ X, y, space }, "standard-scaler,logistic-regression", { metrics: cv.report });
   */
  static fit(
    data: { X: Matrix; y: readonly Label[]; space: EmbeddingSpaceSpec | null },
    spec: string,
    options: { metrics?: EvaluationReport | null } = {},
  ): SavedModel {
    const classifier = pipelineFromSpec(spec).fit(data.X, data.y);
    return new SavedModel(
      {
        format: MODEL_FILE_FORMAT,
        formatVersion: 1,
        library: "vidmae",
        version: VERSION,
        createdAt: new Date().toISOString(),
        pipeline: spec,
        space: data.space === null ? null : keyedSpace(data.space),
        level: "video",
        nFeatures: classifier.nFeaturesIn_!,
        nSamples: data.y.length,
        classes: classifier.classes_!,
        metrics: options.metrics ?? null,
      },
      classifier,
    );
  }

  /**
   * Revives a model from its JSON.
   *
   * @param source - named in error messages (the file path)
   * @throws VidmaeError E_DATA when `json` is not a vidmae model file or its estimator does not fit its record
   * @example
   * const model = SavedModel.fromJSON(JSON.parse(text), "model.json");
   */
  static fromJSON(json: unknown, source = "model"): SavedModel {
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== MODEL_FILE_FORMAT) {
      throw new VidmaeError(
        "E_DATA",
        `${source} is not a vidmae model file (its "format" is not "${MODEL_FILE_FORMAT}"); make one with vidmae train`,
      );
    }
    let parsed: z.infer<typeof modelFileSchema>;
    try {
      parsed = parseInput(modelFileSchema, json, source);
    } catch (error) {
      // A bad file is bad data, not a bad argument: same sentence, the data code.
      throw new VidmaeError("E_DATA", (error as Error).message, { cause: error });
    }
    const { estimator: estimatorJSON, ...info } = parsed;
    let classifier: Classifier;
    try {
      classifier = estimatorFromJSON(estimatorJSON) as Classifier;
    } catch (error) {
      throw new VidmaeError("E_DATA", `${source}: ${(error as Error).message}`, { cause: error });
    }
    const classes = classifier.classes_;
    if (
      typeof classifier.predict !== "function" ||
      classifier.nFeaturesIn_ !== info.nFeatures ||
      JSON.stringify(classes) !== JSON.stringify(info.classes)
    ) {
      throw new VidmaeError(
        "E_DATA",
        `${source}: the estimator is not a fitted classifier with the recorded ${info.nFeatures} features and classes`,
      );
    }
    return new SavedModel(info as Omit<ModelFile, "estimator">, classifier);
  }

  /**
   * Reads a model file.
   *
   * @throws VidmaeError E_IO when unreadable, E_DATA when not JSON or not a model file
   * @example
   * const model = await SavedModel.load("model.json");
   */
  static async load(path: string): Promise<SavedModel> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw wrapError(error, "E_IO", `Cannot read ${path}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw wrapError(error, "E_DATA", `${path} is not JSON`);
    }
    return SavedModel.fromJSON(json, path);
  }

  /** The file's JSON. */
  toJSON(): ModelFile {
    return { ...this.info, estimator: this.classifier.toJSON() };
  }

  /**
   * Writes the model file (pretty-printed JSON).
   *
   * @throws VidmaeError E_IO when the file cannot be written
   * @example
   * await model.save("model.json");
   */
  async save(path: string): Promise<void> {
    try {
      await writeFile(path, `${JSON.stringify(this.toJSON(), null, 1)}\n`);
    } catch (error) {
      throw wrapError(error, "E_IO", `Cannot write ${path}`);
    }
  }

  /**
   * Refuses vectors from another embedding space than the model's. A model trained on arrays from files has no
   * recorded space and accepts any (its estimators still check the feature count).
   *
   * @param source - named in the message (the model file's path)
   * @throws VidmaeError E_DATA naming both spaces
   * @example
   * model.checkSpace(await selectSpace(store, "2"), "model.json");
   */
  checkSpace(space: EmbeddingSpaceSpec, source = "the model"): void {
    if (this.info.space === null) return;
    assertSameSpace(this.info.space, space, {
      wanted: `${source} was trained on`,
      given: "these vectors are from",
      hint: "embed the videos in the model's space or train a model on this one",
    });
  }

  /**
   * Predicts labels (and probabilities when the final estimator has them) for rows of the model's space.
   *
   * @throws VidmaeError E_DATA for the wrong number of features or non-finite values
   * @example
   * const { predictions } = model.predict(X);
   */
  predict(X: Matrix): ModelPrediction {
    const proba = probabilities(this.classifier, X);
    return {
      classes: this.info.classes,
      predictions: this.classifier.predict(X),
      probabilities: proba === null ? null : toArray(proba),
    };
  }
}
