import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  accuracyScore,
  balancedAccuracyScore,
  classificationReport,
  confusionMatrix,
  f1Score,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  topKAccuracyScore,
  uniqueLabels,
} from "../../../src/classify/metrics/classification.js";
import { DATASETS, lines, matrix, sklearnPath } from "../helpers.js";

interface EstimatorMetrics {
  accuracy: number;
  balanced_accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  precision_weighted: number;
  recall_weighted: number;
  f1_weighted: number;
  confusion_matrix_labels: string[];
  confusion_matrix: number[][];
  top2_accuracy?: number;
}

const PROBA_FILE: Record<string, string> = {
  lda: "test_proba.npy",
  logistic_regression: "test_proba.npy",
  knn_euclidean: "test_proba.npy",
  knn_cosine: "test_proba.npy",
  pipeline_scaler_pca_logreg: "test_proba.npy",
};

describe("metrics against scikit-learn 1.2.1 fixtures", () => {
  for (const name of DATASETS) {
    const metrics = JSON.parse(readFileSync(sklearnPath(`${name}/metrics.json`), "utf8")) as {
      estimators: Record<string, EstimatorMetrics>;
    };
    const yTest = lines(`${name}/y_test.txt`);
    const classes = lines(`${name}/classes.txt`);
    for (const [estimator, expected] of Object.entries(metrics.estimators)) {
      if (estimator === "mlp") continue; // only its accuracy is recorded, no predictions
      it(`${name}/${estimator}: every metric is bit-identical`, () => {
        const yPred = lines(`${name}/${estimator}/test_predictions.txt`);
        assert.equal(accuracyScore(yTest, yPred), expected.accuracy);
        assert.equal(balancedAccuracyScore(yTest, yPred), expected.balanced_accuracy);
        for (const average of ["macro", "weighted"] as const) {
          const prf = precisionRecallFscoreSupport(yTest, yPred, { average });
          assert.equal(prf.precision, expected[`precision_${average}`]);
          assert.equal(prf.recall, expected[`recall_${average}`]);
          assert.equal(prf.fScore, expected[`f1_${average}`]);
          assert.equal(precisionScore(yTest, yPred, { average }), expected[`precision_${average}`]);
          assert.equal(recallScore(yTest, yPred, { average }), expected[`recall_${average}`]);
          assert.equal(f1Score(yTest, yPred, { average }), expected[`f1_${average}`]);
        }
        assert.deepEqual(
          confusionMatrix(yTest, yPred, { labels: expected.confusion_matrix_labels }),
          expected.confusion_matrix,
        );
        if (expected.top2_accuracy !== undefined) {
          const proba = matrix(`${name}/${estimator}/${PROBA_FILE[estimator]}`);
          assert.equal(topKAccuracyScore(yTest, proba, classes, { k: 2 }), expected.top2_accuracy);
        }
      });
    }
  }
});

describe("accuracy and confusion matrix", () => {
  it("counts with a label order and ignores labels outside it", () => {
    assert.deepEqual(confusionMatrix(["a", "b", "c"], ["b", "b", "a"], { labels: ["b", "a"] }), [
      [1, 0],
      [1, 0],
    ]);
  });
  it("sorts numbers numerically and rejects mixed label types", () => {
    assert.deepEqual(uniqueLabels([10, 9], [2]), [2, 9, 10]);
    assert.throws(() => uniqueLabels(["a", 1]), {
      code: "E_DATA",
      message: "Mix of label input types (string and number)",
    });
  });
  it("rejects arrays of different lengths", () => {
    assert.throws(() => accuracyScore(["a"], ["a", "b"]), {
      code: "E_DATA",
      message: "Found input variables with inconsistent numbers of samples: yTrue has 1, yPred has 2",
    });
  });
  it("requires a given label in yTrue", () => {
    assert.throws(() => confusionMatrix(["a"], ["a"], { labels: ["z"] }), {
      code: "E_DATA",
      message: "At least one label specified must be in yTrue",
    });
  });
});

describe("precision / recall / F", () => {
  it("gives zeroDivision for a class never predicted (sklearn: 0, or 1 on request)", () => {
    const perClass = precisionRecallFscoreSupport(["a", "b"], ["a", "a"]);
    assert.deepEqual(perClass, { precision: [0.5, 0], recall: [1, 0], fScore: [2 / 3, 0], support: [1, 1] });
    assert.deepEqual(
      precisionRecallFscoreSupport(["a", "b"], ["a", "a"], { zeroDivision: 1 }).precision,
      [0.5, 1],
    );
  });
  it("accepts labels absent from both arrays", () => {
    const prf = precisionRecallFscoreSupport(["a"], ["a"], { labels: ["a", "z"] });
    assert.deepEqual(prf.support, [1, 0]);
    assert.deepEqual(prf.recall, [1, 0]);
  });
  it("micro average over all labels equals accuracy", () => {
    const yTrue = ["a", "b", "c", "a"];
    const yPred = ["a", "c", "c", "b"];
    assert.equal(precisionRecallFscoreSupport(yTrue, yPred, { average: "micro" }).fScore, 0.5);
  });
  it("balanced accuracy skips classes absent from yTrue", () => {
    assert.equal(balancedAccuracyScore(["a", "a", "b"], ["a", "c", "b"]), 0.75);
  });
  it("rejects bad options", () => {
    assert.throws(() => precisionRecallFscoreSupport(["a"], ["a"], { zeroDivision: 2 as 0 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected 0 or 1 for zeroDivision but received 2 of type number",
    });
    assert.throws(() => f1Score(["a"], ["a"], { average: "samples" as "macro" }), {
      code: "E_INVALID_ARGUMENT",
      message:
        'Expected one of: null, micro, macro, weighted for average but received "samples" of type string',
    });
  });
});

describe("topKAccuracyScore", () => {
  it("ranks tied scores with the higher column first, like sklearn's reversed stable argsort", () => {
    // Row 0: classes a and b tie; sklearn's order is b, a, c, so the top-1 is b.
    const scores = [
      [0.4, 0.4, 0.2],
      [0.1, 0.2, 0.7],
    ];
    assert.equal(topKAccuracyScore(["a", "c"], scores, ["a", "b", "c"], { k: 1 }), 0.5);
    assert.equal(topKAccuracyScore(["a", "c"], scores, ["a", "b", "c"], { k: 2 }), 1);
  });
  it("accepts a dense matrix and checks shapes and labels", () => {
    const dense = { data: new Float64Array([0.9, 0.1]), rows: 1, cols: 2 };
    assert.equal(topKAccuracyScore([1], dense, [0, 1], { k: 1 }), 0);
    assert.throws(() => topKAccuracyScore(["x"], dense, ["a", "b"]), { code: "E_DATA" });
    assert.throws(() => topKAccuracyScore(["a"], dense, ["a", "b", "c"]), {
      code: "E_DATA",
      message: "Number of classes in classes (3) not equal to the number of columns in scores (2)",
    });
    assert.throws(() => topKAccuracyScore(["a"], dense, ["a", "b"], { k: 0 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive integer for k but received 0 of type number",
    });
  });
});

describe("classificationReport", () => {
  it("prints sklearn's layout", () => {
    const yTrue = ["cat", "cat", "dog", "dog", "dog", "bird", "bird", "bird"];
    const yPred = ["cat", "dog", "dog", "dog", "bird", "bird", "bird", "cat"];
    // Text produced by sklearn 1.2 classification_report(yTrue, yPred) for the same labels.
    const expected = [
      "              precision    recall  f1-score   support",
      "",
      "        bird       0.67      0.67      0.67         3",
      "         cat       0.50      0.50      0.50         2",
      "         dog       0.67      0.67      0.67         3",
      "",
      "    accuracy                           0.62         8",
      "   macro avg       0.61      0.61      0.61         8",
      "weighted avg       0.62      0.62      0.62         8",
      "",
    ].join("\n");
    assert.equal(classificationReport(yTrue, yPred), expected);
  });
  it("rounds exact binary ties half to even, as Python's format does", () => {
    // accuracy 5/8 = 0.625 exactly: Python prints 0.62 where toFixed(2) would give 0.63.
    const report = classificationReport(
      ["a", "a", "a", "a", "a", "a", "a", "a"],
      ["a", "a", "a", "a", "a", "b", "b", "b"],
    );
    assert.match(report, /accuracy {27}0\.62 {9}8\n/);
    assert.match(report, /^ {11}a {7}1\.00 {6}0\.62 {6}0\.77 {9}8$/m);
  });
  it("prints micro avg instead of accuracy for a label subset, and uses targetNames", () => {
    const report = classificationReport(["a", "b", "c"], ["a", "b", "b"], {
      labels: ["a", "b"],
      targetNames: ["Alpha", "Beta"],
      digits: 3,
    });
    assert.match(report, /^ {7}Alpha {6}1\.000 {5}1\.000 {5}1\.000 {9}1$/m);
    assert.match(report, /^ {3}micro avg {6}0\.667 {5}1\.000 {5}0\.800 {9}2$/m);
  });
});
