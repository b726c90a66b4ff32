import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinearDiscriminantAnalysis } from "../../../src/classify/discriminant/lda.js";
import { DATASETS, alignColumns, dataset, lines, matrix, maxAbsDiff } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";
import { inputChecks, transformerContract } from "../transformer-contract.js";

describe("LinearDiscriminantAnalysis against scikit-learn 1.2.1 (solver='svd')", () => {
  for (const name of DATASETS) {
    it(`${name}: identical predictions; probabilities, ratios and transform (up to sign) within 1e-6`, () => {
      const { Xtrain, Xtest, ytrain } = dataset(name);
      const lda = new LinearDiscriminantAnalysis().fit(Xtrain, ytrain);
      assert.deepEqual(lda.predict(Xtest), lines(`${name}/lda/test_predictions.txt`));
      assert.ok(maxAbsDiff(lda.predictProba(Xtest).data, matrix(`${name}/lda/test_proba.npy`).data) < 1e-6);
      const ratio = matrix(`${name}/lda/explained_variance_ratio.npy`).data;
      assert.ok(maxAbsDiff(lda.explainedVarianceRatio_!, ratio) < 1e-6);
      const expected = matrix(`${name}/lda/test_transformed.npy`);
      const { aligned } = alignColumns(lda.transform(Xtest), expected);
      assert.ok(maxAbsDiff(aligned, expected.data) < 1e-6);
    });
  }
});

describe("LinearDiscriminantAnalysis", () => {
  const iris = dataset("iris");
  // Two classes: versicolor vs virginica.
  const rows = iris.ytrain.flatMap((label, i) => (label === "setosa" ? [] : [i]));
  const Xbin = rows.map((i) => Array.from(iris.Xtrain.data.subarray(i * 4, i * 4 + 4)));
  const ybin = rows.map((i) => iris.ytrain[i]);

  it("two classes: one coefficient row and one discriminant axis scoring classes_[1]", () => {
    const lda = new LinearDiscriminantAnalysis().fit(Xbin, ybin);
    assert.equal(lda.coef_!.rows, 1);
    assert.equal(lda.transform(Xbin).cols, 1);
    const scores = lda.decisionFunction(Xbin);
    const proba = lda.predictProba(Xbin);
    const predicted = lda.predict(Xbin);
    for (let i = 0; i < Xbin.length; i++) {
      assert.ok(Math.abs(proba.data[2 * i + 1] - 1 / (1 + Math.exp(-scores.data[i]))) < 1e-12);
      assert.equal(predicted[i], scores.data[i] > 0 ? "virginica" : "versicolor");
    }
  });

  it("uses given priors (renormalised) and limits transform to nComponents", () => {
    const skewed = new LinearDiscriminantAnalysis({ priors: [0.8, 0.1, 0.1] }).fit(iris.Xtrain, iris.ytrain);
    assert.deepEqual(Array.from(skewed.priors_!), [0.8, 0.1, 0.1]);
    const even = new LinearDiscriminantAnalysis().fit(iris.Xtrain, iris.ytrain);
    // Bayes' rule: posteriors scale with the priors, p_skewed ∝ p_even × prior_skewed / prior_even.
    const a = skewed.predictProba(iris.Xtest).data;
    const b = even.predictProba(iris.Xtest).data;
    for (let i = 0; i < iris.Xtest.rows; i++) {
      const ratio = (c: number) => a[3 * i + c] / ((b[3 * i + c] * skewed.priors_![c]) / even.priors_![c]);
      assert.ok(Math.abs(ratio(1) / ratio(0) - 1) < 1e-6 && Math.abs(ratio(2) / ratio(0) - 1) < 1e-6);
    }
    const renormalised = new LinearDiscriminantAnalysis({ priors: [8, 1, 1] });
    assert.deepEqual(Array.from(renormalised.fit(iris.Xtrain, iris.ytrain).priors_!), [0.8, 0.1, 0.1]);
    const one = new LinearDiscriminantAnalysis({ nComponents: 1 }).fit(iris.Xtrain, iris.ytrain);
    assert.equal(one.transform(iris.Xtest).cols, 1);
    assert.throws(
      () => new LinearDiscriminantAnalysis({ priors: [0.5, 0.5] }).fit(iris.Xtrain, iris.ytrain),
      {
        code: "E_INVALID_ARGUMENT",
        message: "Expected array of 3 non-negative class priors for priors but received an array of length 2",
      },
    );
    assert.throws(() => new LinearDiscriminantAnalysis({ nComponents: 3 }).fit(iris.Xtrain, iris.ytrain), {
      code: "E_INVALID_ARGUMENT",
      message:
        "Expected integer at most min(nFeatures, nClasses - 1)=2 for nComponents but received 3 of type number",
    });
  });

  it("needs more samples than classes", () => {
    assert.throws(() => new LinearDiscriminantAnalysis().fit([[0], [1]], ["a", "b"]), {
      code: "E_DATA",
      message: "The number of samples must be more than the number of classes.",
    });
  });

  it("has sklearn's defaults", () => {
    assert.deepEqual(new LinearDiscriminantAnalysis().getParams(), {
      priors: null,
      nComponents: null,
      tol: 1e-4,
    });
  });

  const badParams: [Record<string, unknown>, string][] = [
    [{ tol: -1 }, "Expected non-negative float for tol but received -1 of type number"],
    [
      { priors: [-1, 1, 1] },
      "Expected array of non-negative class priors or null for priors but received an array of length 3",
    ],
  ];
  classifierContract({
    make: (options) => new LinearDiscriminantAnalysis(options),
    X: iris.Xtrain,
    y: iris.ytrain,
    Xtest: iris.Xtest,
    badParams,
  });
  transformerContract({
    make: (options) => new LinearDiscriminantAnalysis(options),
    X: iris.Xtrain,
    y: iris.ytrain,
    badParams,
  });
  inputChecks(() => new LinearDiscriminantAnalysis(), { classifier: true });
});
