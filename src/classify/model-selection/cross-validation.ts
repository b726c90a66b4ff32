/**
 * Cross-validation (sklearn's `cross_validate`): fit a fresh clone of an estimator on each fold's training rows
 * and score it on the held-out rows, with sklearn's scorer names.
 */
import { VidmaeError, invalidParameterError } from "../../errors.js";
import type { Classifier, Label } from "../base.js";
import type { DenseMatrix, Matrix } from "../../numeric/matrix.js";
import { cloneEstimator } from "../clone.js";
import {
  accuracyScore,
  balancedAccuracyScore,
  precisionRecallFscoreSupport,
} from "../metrics/classification.js";
import { pairwiseMean, pairwiseStd } from "../../numeric/pairwise-sum.js";
import { StratifiedKFold, type Fold } from "./stratified-k-fold.js";
import { checkXy } from "../validation.js";

/**
 * Scores a fitted classifier on held-out data; higher is better.
 *
 * @example
 * const scorer: ScorerFn = (model, X, y) => accuracyScore(y, model.predict(X));
 */
export type ScorerFn = (estimator: Classifier, X: DenseMatrix<Float64Array>, y: Label[]) => number;

const AVERAGED = ["precision", "recall", "f1"] as const;
const AVERAGES = ["macro", "micro", "weighted"] as const;

/**
 * sklearn's scorer names for label-based classification metrics.
 *
 * @example
 * crossValidate(model, X, y, { scoring: "balanced_accuracy" });
 */
export type ScorerName =
  "accuracy" | "balanced_accuracy" | `${(typeof AVERAGED)[number]}_${(typeof AVERAGES)[number]}`;

function labelScorer(metric: (yTrue: Label[], yPred: Label[]) => number): ScorerFn {
  return (estimator, X, y) => metric(y, estimator.predict(X));
}

const SCORERS = new Map<string, ScorerFn>([
  ["accuracy", labelScorer(accuracyScore)],
  ["balanced_accuracy", labelScorer(balancedAccuracyScore)],
]);
for (const metric of AVERAGED) {
  for (const average of AVERAGES) {
    const key = metric === "f1" ? "fScore" : metric;
    SCORERS.set(
      `${metric}_${average}`,
      labelScorer((yTrue, yPred) => precisionRecallFscoreSupport(yTrue, yPred, { average })[key]),
    );
  }
}

/**
 * The scorer for a name (`"accuracy"`, `"balanced_accuracy"`, `"f1_macro"`, …) or a custom function.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for an unknown name
 * @example
 * const score = getScorer("f1_macro")(model, Xtest, ytest);
 */
export function getScorer(scoring: ScorerName | ScorerFn): ScorerFn {
  if (typeof scoring === "function") return scoring;
  const scorer = SCORERS.get(scoring);
  if (scorer === undefined)
    throw invalidParameterError("scoring", `one of: ${[...SCORERS.keys()].join(", ")}`, scoring);
  return scorer;
}

/**
 * Where folds come from: a count (StratifiedKFold without shuffle, as sklearn), explicit folds, or a splitter.
 *
 * @example
 * const cv: CvSpec = new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 0 });
 */
export type CvSpec = number | readonly Fold[] | { split(y: ArrayLike<Label>): Fold[] };

/**
 * The folds a {@link CvSpec} gives for `y`, each checked to index rows of `y`.
 *
 * @example
 * resolveFolds(5, y); // StratifiedKFold({ nSplits: 5 }).split(y)
 */
export function resolveFolds(cv: CvSpec, y: ArrayLike<Label>): Fold[] {
  let folds: readonly Fold[];
  if (typeof cv === "number") folds = new StratifiedKFold({ nSplits: cv }).split(y);
  else if (Array.isArray(cv)) folds = cv;
  else if (typeof (cv as { split?: unknown }).split === "function")
    folds = (cv as { split(y: ArrayLike<Label>): Fold[] }).split(y);
  else
    throw invalidParameterError(
      "cv",
      "a number of folds, a list of { train, test } folds, or a splitter",
      cv,
    );
  if (folds.length === 0) throw invalidParameterError("cv", "at least one fold", folds);
  const isIndexList = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 0 && v.every((i) => Number.isInteger(i) && i >= 0 && i < y.length);
  folds.forEach((fold, f) => {
    if (!isIndexList(fold?.train) || !isIndexList(fold?.test)) {
      throw new VidmaeError(
        "E_DATA",
        `Fold ${f} must have non-empty train and test lists of row indices in [0, ${y.length - 1}]`,
      );
    }
  });
  return [...folds];
}

/**
 * The given rows of a dense matrix, as a new matrix.
 *
 * @example
 * takeRows(toDense([[1], [2], [3]]), [2, 0]); // [[3], [1]]
 */
export function takeRows(
  X: DenseMatrix<Float64Array>,
  indices: readonly number[],
): DenseMatrix<Float64Array> {
  const { cols } = X;
  const data = new Float64Array(indices.length * cols);
  indices.forEach((row, i) => data.set(X.data.subarray(row * cols, (row + 1) * cols), i * cols));
  return { data, rows: indices.length, cols };
}

/**
 * Options of {@link crossValidate}.
 *
 * @example
 * crossValidate(model, X, y, { cv: 10, scoring: "f1_macro", returnTrainScore: true });
 */
export interface CrossValidateOptions {
  /** Folds: a count (default 5), explicit `{ train, test }` index lists, or a splitter such as StratifiedKFold. */
  cv?: CvSpec;
  /** Scorer name or function; default `"accuracy"`. */
  scoring?: ScorerName | ScorerFn;
  /** Also score each fold's model on its training rows. */
  returnTrainScore?: boolean;
  /** Keep each fold's fitted model. */
  returnEstimator?: boolean;
}

/**
 * Per-fold results of {@link crossValidate}; times are seconds, as sklearn reports them.
 *
 * @example
 * const { testScore, mean, std } = crossValidate(model, X, y);
 */
export interface CrossValidateResult {
  testScore: number[];
  /** Mean of `testScore` (numpy's summation order). */
  mean: number;
  /** Population standard deviation of `testScore`. */
  std: number;
  fitTime: number[];
  scoreTime: number[];
  trainScore?: number[];
  estimators?: Classifier[];
}

/**
 * Fits a fresh model per fold and scores it on the fold's test rows.
 *
 * @param estimator - a classifier or pipeline (cloned per fold, never fitted itself) or a factory of them
 * @example
 * const { testScore, mean } = crossValidate(
 *   new Pipeline([["scaler", new StandardScaler()], ["clf", new LogisticRegression()]]),
 *   X, y, { cv: new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 0 }) },
 * );
 */
export function crossValidate(
  estimator: Classifier | (() => Classifier),
  X: Matrix,
  y: ArrayLike<Label>,
  options: CrossValidateOptions = {},
): CrossValidateResult {
  const { cv = 5, scoring = "accuracy", returnTrainScore = false, returnEstimator = false } = options;
  const data = checkXy(X, y, "crossValidate");
  const scorer = getScorer(scoring);
  const make = typeof estimator === "function" ? estimator : () => cloneEstimator(estimator);
  const result: CrossValidateResult = { testScore: [], mean: NaN, std: NaN, fitTime: [], scoreTime: [] };
  if (returnTrainScore) result.trainScore = [];
  if (returnEstimator) result.estimators = [];
  for (const { train, test } of resolveFolds(cv, data.y)) {
    const Xtrain = takeRows(data.X, train);
    const ytrain = train.map((i) => data.y[i]);
    const start = performance.now();
    const model = make().fit(Xtrain, ytrain);
    const fitted = performance.now();
    result.testScore.push(
      scorer(
        model,
        takeRows(data.X, test),
        test.map((i) => data.y[i]),
      ),
    );
    result.fitTime.push((fitted - start) / 1000);
    result.scoreTime.push((performance.now() - fitted) / 1000);
    result.trainScore?.push(scorer(model, Xtrain, ytrain));
    result.estimators?.push(model);
  }
  result.mean = pairwiseMean(result.testScore);
  result.std = pairwiseStd(result.testScore);
  return result;
}
