/**
 * Honest evaluation of a classifier: every score comes from rows the model never saw. Cross-validation pools
 * the out-of-fold predictions (as sklearn's `cross_val_predict`) for the headline metrics and keeps each fold's
 * own scores; a held-out split or a separate test set is the one-fold case of the same code.
 */
import { VidmaeError, invalidParameterError } from "../errors.js";
import type { Classifier, Label } from "./base.js";
import type { DenseMatrix, Matrix } from "../numeric/matrix.js";
import { crossValidate } from "./model-selection/cross-validation.js";
import {
  accuracyScore,
  balancedAccuracyScore,
  classificationReport,
  confusionMatrix,
  f1Score,
  topKAccuracyScore,
  uniqueLabels,
} from "./metrics/classification.js";
import { pairwiseMean, pairwiseStd } from "../numeric/pairwise-sum.js";
import { Pipeline } from "./pipeline.js";
import { RandomState } from "../numeric/random-state.js";
import { StratifiedKFold, type Fold } from "./model-selection/stratified-k-fold.js";
import { stratifiedShuffleSplit } from "./model-selection/stratified-shuffle-split.js";
import { toDense } from "./validation.js";

/**
 * One fold's scores, on that fold's test rows.
 *
 * @example
 * const f: FoldReport = { fold: 0, n_train: 80, n_test: 20, accuracy: 0.95, balanced_accuracy: 0.94, macro_f1: 0.94 };
 */
export interface FoldReport {
  fold: number;
  n_train: number;
  n_test: number;
  accuracy: number;
  balanced_accuracy: number;
  macro_f1: number;
}

/**
 * What `vidmae evaluate --json` prints: metrics over all test predictions, top-k accuracy for k = 1..min(5,
 * classes) when the model scores classes (probabilities or decision values; `{}` otherwise), the confusion
 * matrix (rows: true label, columns: predicted) and each fold's scores.
 *
 * @example
 * const { accuracy, top_k, confusion } = evaluation.report; // top_k["2"], confusion.matrix[i][j]
 */
export interface EvaluationReport {
  accuracy: number;
  balanced_accuracy: number;
  macro_f1: number;
  top_k: Record<string, number>;
  confusion: { labels: Label[]; matrix: number[][] };
  folds: FoldReport[];
}

/**
 * An evaluation: the report, and the pooled true and predicted labels behind it (test rows in fold order).
 *
 * @example
 * console.log(classificationReport(evaluation.yTrue, evaluation.yPred));
 */
export interface Evaluation {
  report: EvaluationReport;
  yTrue: Label[];
  yPred: Label[];
}

/**
 * The estimator that scores classes: the final step of a pipeline, else the model itself.
 */
function finalEstimator(model: Classifier): Classifier {
  return model instanceof Pipeline ? (model.steps[model.steps.length - 1][1] as Classifier) : model;
}

/**
 * Class probabilities, one column per `classes_` entry, or null when the model has no `predictProba`.
 *
 * @example
 * const proba = probabilities(model, X); // proba?.data[i * proba.cols + j]
 */
export function probabilities(model: Classifier, X: Matrix): DenseMatrix<Float64Array> | null {
  return finalEstimator(model).predictProba === undefined ? null : model.predictProba!(X);
}

/**
 * Scores that rank the classes, one column per `classes_` entry: probabilities, else decision values (a
 * two-class decision column `s` is widened to `[-s, s]`), or null for models with neither (nearest centroid).
 *
 * @example
 * const scores = classScores(model, Xtest); // feed to topKAccuracyScore with model.classes_
 */
export function classScores(model: Classifier, X: Matrix): DenseMatrix<Float64Array> | null {
  const proba = probabilities(model, X);
  if (proba !== null) return proba;
  if (finalEstimator(model).decisionFunction === undefined) return null;
  const scores = model.decisionFunction!(X);
  if (scores.cols !== 1) return scores;
  const data = new Float64Array(scores.rows * 2);
  scores.data.forEach((s, i) => {
    data[2 * i] = -s;
    data[2 * i + 1] = s;
  });
  return { data, rows: scores.rows, cols: 2 };
}

/**
 * Stratified k folds with a seeded shuffle (sklearn's `StratifiedKFold(k, shuffle=True, random_state=seed)`).
 *
 * @example
 * const folds = crossValidationFolds(y, 5, 0);
 */
export function crossValidationFolds(y: readonly Label[], k: number, seed: number): Fold[] {
  return new StratifiedKFold({ nSplits: k, shuffle: true, randomState: seed }).split(y);
}

/**
 * One stratified, seeded train/test split holding out `ceil(testSize · n)` rows (sklearn's
 * `train_test_split(..., test_size, stratify=y, random_state=seed)`).
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for a `testSize` outside (0, 1); E_DATA when a class has one member or
 *   either side cannot hold every class
 * @example
 * const [fold] = holdOutFolds(y, 0.25, 0);
 */
export function holdOutFolds(y: readonly Label[], testSize: number, seed: number): Fold[] {
  if (!(testSize > 0 && testSize < 1)) throw invalidParameterError("testSize", "number in (0, 1)", testSize);
  const { train, test } = stratifiedShuffleSplit(y, Math.ceil(testSize * y.length), new RandomState(seed));
  return [{ train, test }];
}

/** Places the rows of `columns` into the order of `labels`, −∞ for a label the fold's model never saw. */
function alignScores(
  scores: DenseMatrix<Float64Array>,
  columns: readonly Label[],
  labels: readonly Label[],
): number[][] {
  const index = new Map(columns.map((label, j) => [label, j]));
  return Array.from({ length: scores.rows }, (_, i) =>
    labels.map((label) => {
      const j = index.get(label);
      return j === undefined ? -Infinity : scores.data[i * scores.cols + j];
    }),
  );
}

function scoresOf(yTrue: Label[], yPred: Label[]): Omit<FoldReport, "fold" | "n_train" | "n_test"> {
  return {
    accuracy: accuracyScore(yTrue, yPred),
    balanced_accuracy: balancedAccuracyScore(yTrue, yPred),
    macro_f1: f1Score(yTrue, yPred, { average: "macro" }),
  };
}

/**
 * Options of {@link evaluateClassifier}.
 *
 * @example
 * const options: EvaluateOptions = { onProgress: (done, total) => console.error(`fold ${done}/${total}`) };
 */
export interface EvaluateOptions {
  /** Called after each fold is fitted and scored, with the folds done so far and their number. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fits a fresh clone of `estimator` on each fold's training rows and scores it on the fold's test rows.
 *
 * @param folds - from {@link crossValidationFolds}, {@link holdOutFolds}, or explicit index lists
 * @throws VidmaeError as the estimator's `fit`, and E_DATA for folds that do not index `X`
 * @example
 * const { report } = evaluateClassifier(pipelineFromSpec("standard-scaler,logistic-regression"), X, y,
 *   crossValidationFolds(y, 5, 0));
 * report.accuracy; // pooled out-of-fold accuracy
 */
export function evaluateClassifier(
  estimator: Classifier,
  X: Matrix,
  y: readonly Label[],
  folds: readonly Fold[],
  options: EvaluateOptions = {},
): Evaluation {
  const labels = uniqueLabels(y);
  const yTrue: Label[] = [];
  const yPred: Label[] = [];
  const scoreRows: number[][] = [];
  let scored = true;
  const reports: FoldReport[] = [];
  // The scorer sees each fold's fitted model and test rows once: predictions and scores are collected there.
  crossValidate(estimator, toDense(X), [...y], {
    cv: folds,
    scoring: (model, Xtest, ytest) => {
      const predicted = model.predict(Xtest);
      const scores = scored ? classScores(model, Xtest) : null;
      if (scores === null) scored = false;
      else scoreRows.push(...alignScores(scores, model.classes_!, labels));
      const f = reports.length;
      reports.push({
        fold: f,
        n_train: folds[f].train.length,
        n_test: ytest.length,
        ...scoresOf(ytest, predicted),
      });
      yTrue.push(...ytest);
      yPred.push(...predicted);
      options.onProgress?.(reports.length, folds.length);
      return reports[f].accuracy;
    },
  });
  const topK: Record<string, number> = {};
  if (scored) {
    for (let k = 1; k <= Math.min(5, labels.length); k++)
      topK[String(k)] = topKAccuracyScore(yTrue, scoreRows, labels, { k });
  }
  return {
    report: {
      ...scoresOf(yTrue, yPred),
      top_k: topK,
      confusion: { labels, matrix: confusionMatrix(yTrue, yPred, { labels }) },
      folds: reports,
    },
    yTrue,
    yPred,
  };
}

/**
 * Stacks a training set and a separate test set into one matrix with the single fold "train on the first,
 * test on the second", for {@link evaluateClassifier}.
 *
 * @throws VidmaeError E_DATA when the two have different numbers of features
 * @example
 * const { X, y, folds } = withTestSet(train, test);
 * evaluateClassifier(model, X, y, folds);
 */
export function withTestSet(
  train: { X: Matrix; y: readonly Label[] },
  test: { X: Matrix; y: readonly Label[] },
): { X: DenseMatrix<Float64Array>; y: Label[]; folds: Fold[] } {
  const a = toDense(train.X);
  const b = toDense(test.X);
  if (a.cols !== b.cols) {
    throw new VidmaeError(
      "E_DATA",
      `The test set has ${b.cols} features but the training set has ${a.cols}; both must come from the same embedding space`,
    );
  }
  const data = new Float64Array((a.rows + b.rows) * a.cols);
  data.set(a.data);
  data.set(b.data, a.data.length);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return {
    X: { data, rows: a.rows + b.rows, cols: a.cols },
    y: [...train.y, ...test.y],
    folds: [{ train: range(0, a.rows), test: range(a.rows, a.rows + b.rows) }],
  };
}

const fixed = (v: number) => v.toFixed(3);

/**
 * The text `vidmae evaluate` prints: sklearn's classification report of the pooled test predictions, then one
 * summary line (and one line of per-fold accuracies when there are several folds).
 *
 * @example
 * process.stdout.write(formatEvaluation(evaluation));
 */
export function formatEvaluation(evaluation: Evaluation): string {
  const { report, yTrue, yPred } = evaluation;
  const topK = Object.entries(report.top_k)
    .filter(([k]) => k !== "1")
    .map(([k, v]) => `  top-${k} ${fixed(v)}`)
    .join("");
  let text = classificationReport(yTrue, yPred, { digits: 3 });
  text += `\naccuracy ${fixed(report.accuracy)}  balanced accuracy ${fixed(report.balanced_accuracy)}  macro F1 ${fixed(report.macro_f1)}${topK}\n`;
  if (report.folds.length > 1) {
    const accuracies = report.folds.map((f) => f.accuracy);
    const spread = `${fixed(pairwiseMean(accuracies))} ± ${fixed(pairwiseStd(accuracies))}`;
    text += `${report.folds.length} folds: accuracy ${spread} (${accuracies.map(fixed).join(", ")})\n`;
  }
  return text;
}
