import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { Label } from "../../src/classify/base.js";
import {
  classScores,
  crossValidationFolds,
  evaluateClassifier,
  formatEvaluation,
  holdOutFolds,
  probabilities,
  withTestSet,
} from "../../src/classify/evaluate.js";
import { LinearSVC } from "../../src/classify/linear/linear-svc.js";
import { accuracyScore } from "../../src/classify/metrics/classification.js";
import { pipelineFromSpec } from "../../src/classify/spec.js";
import { toDense } from "../../src/classify/validation.js";
import { VidmaeError } from "../../src/errors.js";
import { dataset, sklearnPath } from "./helpers.js";

const iris = dataset("iris");
const metrics = JSON.parse(readFileSync(sklearnPath("iris/metrics.json"), "utf8"));
const folds = JSON.parse(readFileSync(sklearnPath("iris/cv_folds.json"), "utf8")).folds as {
  train: number[];
  test: number[];
}[];
const all = withTestSet({ X: iris.Xtrain, y: iris.ytrain }, { X: iris.Xtest, y: iris.ytest });
const LOGREG = "standard-scaler,logistic-regression(max_iter=5000)";

describe("evaluateClassifier against scikit-learn (iris)", () => {
  test("a separate test set reproduces sklearn's test metrics", () => {
    const { report } = evaluateClassifier(pipelineFromSpec(LOGREG), all.X, all.y, all.folds);
    const ref = metrics.estimators.logistic_regression;
    assert.equal(report.accuracy, ref.accuracy);
    assert.equal(report.balanced_accuracy, ref.balanced_accuracy);
    assert.equal(report.macro_f1, ref.f1_macro);
    assert.deepEqual(report.confusion, { labels: ref.confusion_matrix_labels, matrix: ref.confusion_matrix });
    assert.equal(report.top_k["2"], ref.top2_accuracy);
    assert.equal(report.top_k["1"], report.accuracy, "top-1 of the probabilities is the prediction");
    assert.equal(report.top_k["3"], 1);
    assert.deepEqual(Object.keys(report.top_k), ["1", "2", "3"], "k up to min(5, classes)");
    assert.deepEqual(report.folds, [
      {
        fold: 0,
        n_train: iris.ytrain.length,
        n_test: iris.ytest.length,
        accuracy: ref.accuracy,
        balanced_accuracy: ref.balanced_accuracy,
        macro_f1: ref.f1_macro,
      },
    ]);
  });

  test("seeded stratified 5-fold CV has sklearn's folds and per-fold accuracies", () => {
    const cv = crossValidationFolds(all.y, 5, 0);
    assert.deepEqual(
      cv.map((f) => f.test),
      folds.map((f) => f.test),
    );
    const { report, yTrue, yPred } = evaluateClassifier(pipelineFromSpec(LOGREG), all.X, all.y, cv);
    const reference: number[] = metrics.cv_logreg.fold_accuracy;
    report.folds.forEach((f, i) => assert.ok(Math.abs(f.accuracy - reference[i]) < 1e-6, `fold ${i}`));
    // The headline numbers pool the out-of-fold predictions: every row is predicted exactly once.
    assert.equal(yTrue.length, all.y.length);
    assert.deepEqual([...yTrue].sort(), [...all.y].sort());
    assert.equal(report.accuracy, accuracyScore(yTrue, yPred));
    const total = report.confusion.matrix.flat().reduce((a, b) => a + b, 0);
    assert.equal(total, all.y.length);
  });
});

describe("class scores", () => {
  const X = toDense(iris.Xtrain);
  const twoClass = iris.ytrain.map((label) => (label === "setosa" ? "setosa" : "other"));

  test("a two-class decision column is widened to one column per class", () => {
    const svc = new LinearSVC().fit(X, twoClass);
    const raw = svc.decisionFunction(X);
    const scores = classScores(svc, X)!;
    assert.equal(raw.cols, 1);
    assert.equal(scores.cols, 2);
    assert.equal(scores.data[0], -raw.data[0]);
    assert.equal(scores.data[1], raw.data[0]);
    assert.equal(probabilities(svc, X), null, "LinearSVC has no probabilities");
  });

  test("a pipeline scores with its final step; nearest centroid has no scores and no top-k", () => {
    const pipe = pipelineFromSpec("standard-scaler,nearest-centroid").fit(X, iris.ytrain);
    assert.equal(classScores(pipe, X), null);
    const { report } = evaluateClassifier(pipelineFromSpec("nearest-centroid"), all.X, all.y, all.folds);
    assert.deepEqual(report.top_k, {});
    const knn = pipelineFromSpec("k-neighbors").fit(X, iris.ytrain);
    assert.equal(probabilities(knn, X)!.cols, 3);
  });

  test("a fold whose model never saw a class still scores it (as the lowest)", () => {
    // "c" has one member: the fold that tests it trains without it.
    const X3 = [[0], [0.1], [0.2], [1], [1.1], [1.2], [5]];
    const y3 = ["a", "a", "a", "b", "b", "b", "c"];
    const fold = { train: [0, 1, 3, 4], test: [2, 5, 6] };
    const { report, yPred } = evaluateClassifier(pipelineFromSpec("logistic-regression"), X3, y3, [fold]);
    assert.deepEqual(report.confusion.labels, ["a", "b", "c"]);
    assert.equal(yPred[2], "b");
    assert.equal(report.top_k["1"], 2 / 3);
    assert.equal(report.top_k["2"], 2 / 3, "the unseen class ranks below both seen ones");
    assert.equal(report.top_k["3"], 1);
  });
});

describe("splits", () => {
  test("holdOutFolds holds out ceil(testSize n) rows per class proportion, reproducibly", () => {
    const y: Label[] = [...Array(12).fill("a"), ...Array(8).fill("b")];
    const [fold] = holdOutFolds(y, 0.25, 3);
    assert.equal(fold.test.length, 5);
    assert.equal(fold.train.length, 15);
    assert.deepEqual(
      [...fold.train, ...fold.test].sort((a, b) => a - b),
      [...Array(20).keys()],
    );
    assert.equal(fold.test.filter((i) => y[i] === "a").length, 3);
    assert.deepEqual(holdOutFolds(y, 0.25, 3), [fold]);
    assert.notDeepEqual(holdOutFolds(y, 0.25, 4), [fold]);
  });

  test("holdOutFolds rejects a size outside (0, 1)", () => {
    assert.throws(
      () => holdOutFolds(["a", "b"], 1.5, 0),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_INVALID_ARGUMENT" &&
        e.message === "Expected number in (0, 1) for testSize but received 1.5 of type number",
    );
  });

  test("withTestSet stacks the rows and rejects another feature count", () => {
    const {
      X,
      y,
      folds: [fold],
    } = withTestSet(
      { X: [[1, 2]], y: ["a"] },
      {
        X: [
          [3, 4],
          [5, 6],
        ],
        y: ["b", "a"],
      },
    );
    assert.deepEqual(Array.from(X.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(y, ["a", "b", "a"]);
    assert.deepEqual(fold, { train: [0], test: [1, 2] });
    assert.throws(
      () => withTestSet({ X: [[1, 2]], y: ["a"] }, { X: [[3]], y: ["b"] }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_DATA" &&
        e.message ===
          "The test set has 1 features but the training set has 2; both must come from the same embedding space",
    );
  });
});

describe("formatEvaluation", () => {
  test("prints the classification report, a summary and the fold spread", () => {
    const cv = crossValidationFolds(all.y, 5, 0);
    const text = formatEvaluation(evaluateClassifier(pipelineFromSpec(LOGREG), all.X, all.y, cv));
    assert.match(text, /^ +precision +recall +f1-score +support\n\n +setosa +1\.000 +1\.000 +1\.000 +50\n/);
    assert.match(
      text,
      /\naccuracy 0\.\d{3}  balanced accuracy 0\.\d{3}  macro F1 0\.\d{3}  top-2 \d\.\d{3}  top-3 1\.000\n/,
    );
    assert.match(text, /\n5 folds: accuracy 0\.953 ± 0\.016 \(0\.933, 0\.933, 0\.967, 0\.967, 0\.967\)\n$/);
  });
});

test("evaluateClassifier reports each fold done, ending at the number of folds, and scores the same", () => {
  const calls: [number, number][] = [];
  const plain = evaluateClassifier(pipelineFromSpec(LOGREG), all.X, all.y, folds);
  const reported = evaluateClassifier(pipelineFromSpec(LOGREG), all.X, all.y, folds, {
    onProgress: (done, total) => calls.push([done, total]),
  });
  assert.deepEqual(
    calls,
    folds.map((_, i) => [i + 1, folds.length]),
  );
  assert.deepEqual(reported.report, plain.report);
});
