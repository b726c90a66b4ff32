/**
 * Classification metrics with scikit-learn 1.2 semantics: label order, zero-division rule, tie handling and
 * numpy summation order all follow sklearn, so the numbers agree bit for bit.
 */

import { VidmaeError, invalidParameterError } from "../../errors.js";
import type { Label } from "../base.js";
import { pairwiseMean, pairwiseSum } from "../../numeric/pairwise-sum.js";
import { compareLabels } from "../validation.js";

/**
 * Value reported when a ratio's denominator is zero (sklearn's `zero_division`, minus the warning).
 *
 * @example
 * precisionScore(yTrue, yPred, { zeroDivision: 1 });
 */
export type ZeroDivision = 0 | 1;

/**
 * How per-class scores are combined: `null` keeps one score per label.
 *
 * @example
 * f1Score(yTrue, yPred, { average: "weighted" });
 */
export type Average = "micro" | "macro" | "weighted" | null;

/**
 * A score matrix: one row per sample, one column per class (probabilities or decision values).
 *
 * @example
 * const scores: ScoreMatrix = model.predictProba(Xtest); // or [[0.7, 0.3], [0.1, 0.9]]
 */
export type ScoreMatrix =
  ArrayLike<ArrayLike<number>> | { rows: number; cols: number; data: ArrayLike<number> };

/**
 * Sorted distinct labels of one or more label arrays, like sklearn's `unique_labels`.
 *
 * @throws VidmaeError E_DATA when strings and numbers are mixed.
 * @example
 * uniqueLabels(["b", "a"], ["c"]); // ["a", "b", "c"]
 */
export function uniqueLabels(...arrays: readonly (readonly Label[])[]): Label[] {
  const seen = new Set<Label>();
  for (const array of arrays) for (const label of array) seen.add(label);
  const labels = [...seen];
  if (new Set(labels.map((l) => typeof l)).size > 1) {
    throw new VidmaeError("E_DATA", "Mix of label input types (string and number)");
  }
  return labels.sort(compareLabels);
}

function checkSameLength(yTrue: readonly Label[], yPred: readonly Label[], predName = "yPred"): void {
  if (yTrue.length !== yPred.length) {
    throw new VidmaeError(
      "E_DATA",
      `Found input variables with inconsistent numbers of samples: yTrue has ${yTrue.length}, ${predName} has ${yPred.length}`,
    );
  }
  if (yTrue.length === 0)
    throw new VidmaeError("E_DATA", "Found empty label arrays: at least one sample is required");
}

function checkZeroDivision(zeroDivision: unknown): ZeroDivision {
  if (zeroDivision !== 0 && zeroDivision !== 1)
    throw invalidParameterError("zeroDivision", "0 or 1", zeroDivision);
  return zeroDivision;
}

/**
 * Fraction of samples whose prediction equals the true label.
 *
 * @example
 * accuracyScore(["a", "b", "b"], ["a", "b", "a"]); // 0.6666666666666666
 */
export function accuracyScore(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkSameLength(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * Confusion matrix: `matrix[i][j]` counts samples of true label `labels[i]` predicted as `labels[j]`.
 * Samples whose true or predicted label is not in `labels` are ignored, as in sklearn.
 *
 * @param options.labels - row/column order; default: sorted union of both arrays
 * @example
 * confusionMatrix(["a", "b"], ["b", "b"]); // [[0, 1], [0, 1]]
 */
export function confusionMatrix(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: { labels?: readonly Label[] } = {},
): number[][] {
  checkSameLength(yTrue, yPred);
  const labels = options.labels ?? uniqueLabels(yTrue, yPred);
  if (labels.length === 0) throw invalidParameterError("labels", "a non-empty label list", labels);
  const known = new Set(labels);
  if (!yTrue.some((label) => known.has(label))) {
    throw new VidmaeError("E_DATA", "At least one label specified must be in yTrue");
  }
  return countPairs(yTrue, yPred, labels);
}

/** Confusion counts for `labels`, skipping pairs with a label outside them. */
function countPairs(yTrue: readonly Label[], yPred: readonly Label[], labels: readonly Label[]): number[][] {
  const index = new Map<Label, number>(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = index.get(yTrue[i]);
    const col = index.get(yPred[i]);
    if (row !== undefined && col !== undefined) matrix[row][col]++;
  }
  return matrix;
}

/**
 * Mean of per-class recall over the classes present in `yTrue` (sklearn's `balanced_accuracy_score`).
 *
 * @example
 * balancedAccuracyScore(["a", "a", "a", "b"], ["a", "a", "a", "a"]); // 0.5
 */
export function balancedAccuracyScore(yTrue: readonly Label[], yPred: readonly Label[]): number {
  const matrix = confusionMatrix(yTrue, yPred);
  const recalls: number[] = [];
  matrix.forEach((row, i) => {
    const support = pairwiseSum(row);
    // sklearn drops classes absent from yTrue (their recall is NaN) before averaging.
    if (support > 0) recalls.push(row[i] / support);
  });
  return pairwiseMean(recalls);
}

/**
 * Per-label scores (`average: null`) or their combination, as in sklearn's `precision_recall_fscore_support`.
 *
 * @example
 * const { precision, recall, fScore, support } = precisionRecallFscoreSupport(yTrue, yPred);
 */
export interface PrecisionRecallFscore<T> {
  precision: T;
  recall: T;
  fScore: T;
  /** Number of true samples per label; `null` once averaged, as sklearn returns `None`. */
  support: T extends number ? null : number[];
}

/**
 * Options shared by the precision/recall/F metrics.
 *
 * @example
 * precisionRecallFscoreSupport(yTrue, yPred, { labels: ["cat", "dog"], beta: 2, zeroDivision: 0 });
 */
export interface PrfOptions {
  /** Labels to score, in output order; default: sorted union of both arrays. */
  labels?: readonly Label[];
  /** F-beta weight of recall; default 1. */
  beta?: number;
  /** Value of an undefined ratio; default 0. */
  zeroDivision?: ZeroDivision;
}

/**
 * Per-class precision, recall, F-beta and support, or their micro/macro/weighted average.
 *
 * @example
 * const perClass = precisionRecallFscoreSupport(["a", "b"], ["a", "a"]);
 * // { precision: [0.5, 0], recall: [1, 0], fScore: [0.6666666666666666, 0], support: [1, 1] }
 * precisionRecallFscoreSupport(["a", "b"], ["a", "a"], { average: "macro" }).fScore; // 0.3333333333333333
 */
export function precisionRecallFscoreSupport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options?: PrfOptions & { average?: null },
): PrecisionRecallFscore<number[]>;
export function precisionRecallFscoreSupport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: PrfOptions & { average: Exclude<Average, null> },
): PrecisionRecallFscore<number>;
export function precisionRecallFscoreSupport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: PrfOptions & { average?: Average } = {},
): PrecisionRecallFscore<number[]> | PrecisionRecallFscore<number> {
  const { average = null, beta = 1 } = options;
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 0);
  if (!(beta >= 0)) throw invalidParameterError("beta", "non-negative number", beta);
  if (![null, "micro", "macro", "weighted"].includes(average)) {
    throw invalidParameterError("average", "one of: null, micro, macro, weighted", average);
  }
  checkSameLength(yTrue, yPred);
  const labels = options.labels ?? uniqueLabels(yTrue, yPred);
  // Counted over all samples, as sklearn's multilabel_confusion_matrix: a sample whose true label is outside
  // `labels` still counts as a prediction of its predicted label (and vice versa).
  const index = new Map<Label, number>(labels.map((label, i) => [label, i]));
  let tp = new Array<number>(labels.length).fill(0);
  let predSum = tp.slice();
  let trueSum = tp.slice();
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined) trueSum[t]++;
    if (p !== undefined) predSum[p]++;
    if (t !== undefined && t === p) tp[t]++;
  }
  if (average === "micro") {
    tp = [tp.reduce((a, b) => a + b, 0)];
    predSum = [predSum.reduce((a, b) => a + b, 0)];
    trueSum = [trueSum.reduce((a, b) => a + b, 0)];
  }
  const divide = (num: number[], den: number[]): number[] =>
    num.map((n, i) => (den[i] === 0 ? zeroDivision : n / den[i]));
  const precision = divide(tp, predSum);
  const recall = divide(tp, trueSum);
  const beta2 = beta * beta;
  const fScore = precision.map((p, i) => {
    if (beta === Infinity) return recall[i];
    const denominator = beta2 * p + recall[i];
    // Same operation order as sklearn: ((1 + beta²) * p * r) / denominator, 0 when p = r = 0.
    return ((1 + beta2) * p * recall[i]) / (denominator === 0 ? 1 : denominator);
  });
  if (average === null) return { precision, recall, fScore, support: trueSum };
  if (average === "weighted") {
    const total = pairwiseSum(trueSum);
    if (total === 0)
      return { precision: zeroDivision, recall: zeroDivision, fScore: zeroDivision, support: null };
    const weighted = (values: number[]): number => pairwiseSum(values.map((v, i) => v * trueSum[i])) / total;
    return {
      precision: weighted(precision),
      recall: weighted(recall),
      fScore: weighted(fScore),
      support: null,
    };
  }
  return {
    precision: pairwiseMean(precision),
    recall: pairwiseMean(recall),
    fScore: pairwiseMean(fScore),
    support: null,
  };
}

type AveragedOptions = PrfOptions & { average?: Exclude<Average, null> };

/**
 * Precision averaged over labels (default `macro`).
 *
 * @example
 * precisionScore(["a", "b"], ["a", "a"]); // 0.25
 */
export function precisionScore(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: AveragedOptions = {},
): number {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...options, average: options.average ?? "macro" })
    .precision;
}

/**
 * Recall averaged over labels (default `macro`).
 *
 * @example
 * recallScore(["a", "b"], ["a", "a"]); // 0.5
 */
export function recallScore(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: AveragedOptions = {},
): number {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...options, average: options.average ?? "macro" })
    .recall;
}

/**
 * F1 averaged over labels (default `macro`).
 *
 * @example
 * f1Score(["a", "b"], ["a", "a"], { average: "weighted" }); // 0.3333333333333333
 */
export function f1Score(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: Omit<AveragedOptions, "beta"> = {},
): number {
  return precisionRecallFscoreSupport(yTrue, yPred, {
    ...options,
    beta: 1,
    average: options.average ?? "macro",
  }).fScore;
}

function scoreRows(scores: ScoreMatrix): {
  rows: number;
  cols: number;
  at: (i: number, j: number) => number;
} {
  if ("data" in scores && "cols" in scores) {
    const { rows, cols, data } = scores;
    return { rows, cols, at: (i, j) => data[i * cols + j] };
  }
  const rows = scores.length;
  const cols = rows === 0 ? 0 : scores[0].length;
  return { rows, cols, at: (i, j) => scores[i][j] };
}

/**
 * Fraction of samples whose true label is among the `k` highest-scored classes (sklearn's
 * `top_k_accuracy_score` for a multiclass score matrix). Ties rank the higher column first, as sklearn's
 * reversed stable argsort does.
 *
 * @param scores - one row per sample, one column per entry of `classes`
 * @param classes - the column labels (an estimator's `classes_`)
 * @example
 * topKAccuracyScore(["a", "c"], [[0.5, 0.3, 0.2], [0.6, 0.3, 0.1]], ["a", "b", "c"], { k: 2 }); // 0.5
 */
export function topKAccuracyScore(
  yTrue: readonly Label[],
  scores: ScoreMatrix,
  classes: readonly Label[],
  options: { k?: number } = {},
): number {
  const { k = 2 } = options;
  if (!Number.isInteger(k) || k < 1) throw invalidParameterError("k", "positive integer", k);
  const { rows, cols, at } = scoreRows(scores);
  if (rows !== yTrue.length) {
    throw new VidmaeError(
      "E_DATA",
      `Found input variables with inconsistent numbers of samples: yTrue has ${yTrue.length}, scores has ${rows}`,
    );
  }
  if (cols !== classes.length) {
    throw new VidmaeError(
      "E_DATA",
      `Number of classes in classes (${classes.length}) not equal to the number of columns in scores (${cols})`,
    );
  }
  const index = new Map<Label, number>(classes.map((label, i) => [label, i]));
  let hits = 0;
  for (let i = 0; i < rows; i++) {
    const target = index.get(yTrue[i]);
    if (target === undefined) {
      throw new VidmaeError("E_DATA", `yTrue contains a label not in classes: ${JSON.stringify(yTrue[i])}`);
    }
    // Rank of the true class = columns that come before it in sklearn's descending order.
    const own = at(i, target);
    let ahead = 0;
    for (let j = 0; j < cols; j++) {
      const s = at(i, j);
      if (s > own || (s === own && j > target)) ahead++;
    }
    if (ahead < k) hits++;
  }
  return hits / rows;
}

const HEADERS = ["precision", "recall", "f1-score", "support"];

/** Python's `format(x, ".{digits}f")`: like toFixed, but an exact binary tie rounds half to even. */
function formatFixed(x: number, digits: number): string {
  const exact = x.toFixed(100);
  const point = exact.indexOf(".");
  const tail = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(tail)) return x.toFixed(digits);
  const truncated = exact.slice(0, point + 1 + digits).replace(/\.$/, "");
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 === 0) return truncated;
  return x.toFixed(digits);
}

/**
 * sklearn's `classification_report` text: one row per label, then accuracy, macro avg and weighted avg.
 *
 * @param options.targetNames - display names matching `labels`
 * @param options.digits - decimals for the scores (default 2)
 * @example
 * console.log(classificationReport(yTest, predictions));
 * //               precision    recall  f1-score   support
 * //
 * //        setosa       1.00      1.00      1.00        13
 * // ...
 */
export function classificationReport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: {
    labels?: readonly Label[];
    targetNames?: readonly string[];
    digits?: number;
    zeroDivision?: ZeroDivision;
  } = {},
): string {
  const { digits = 2, zeroDivision = 0 } = options;
  if (!Number.isInteger(digits) || digits < 0)
    throw invalidParameterError("digits", "non-negative integer", digits);
  const allLabels = uniqueLabels(yTrue, yPred);
  const labels = options.labels ?? allLabels;
  const labelSet = new Set(labels);
  // sklearn prints "accuracy" instead of "micro avg" when every observed label is reported.
  const microIsAccuracy =
    options.labels === undefined ||
    (labelSet.size === allLabels.length && allLabels.every((l) => labelSet.has(l)));
  const names = options.targetNames ?? labels.map(String);
  if (names.length !== labels.length) {
    throw invalidParameterError("targetNames", `${labels.length} names (one per label)`, names);
  }
  const prf = { labels, zeroDivision };
  const perClass = precisionRecallFscoreSupport(yTrue, yPred, prf);
  const width = Math.max(...names.map((n) => n.length), "weighted avg".length, digits);
  const num = (v: number): string => formatFixed(v, digits).padStart(9);
  const row = (name: string, p: number, r: number, f: number, s: number): string =>
    `${name.padStart(width)}  ${num(p)} ${num(r)} ${num(f)} ${String(s).padStart(9)}\n`;
  let report = `${"".padStart(width)} ${HEADERS.map((h) => ` ${h.padStart(9)}`).join("")}\n\n`;
  names.forEach((name, i) => {
    report += row(name, perClass.precision[i], perClass.recall[i], perClass.fScore[i], perClass.support[i]);
  });
  report += "\n";
  const total = perClass.support.reduce((a, b) => a + b, 0);
  for (const average of ["micro", "macro", "weighted"] as const) {
    const avg = precisionRecallFscoreSupport(yTrue, yPred, { ...prf, average });
    if (average === "micro" && microIsAccuracy) {
      report += `${"accuracy".padStart(width)}  ${"".padStart(9)} ${"".padStart(9)} ${num(avg.fScore)} ${String(total).padStart(9)}\n`;
    } else {
      report += row(`${average} avg`, avg.precision, avg.recall, avg.fScore, total);
    }
  }
  return report;
}
