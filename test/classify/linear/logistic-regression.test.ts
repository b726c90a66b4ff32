import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { LogisticRegression } from "../../../src/classify/linear/logistic-regression.js";
import { StandardScaler } from "../../../src/classify/preprocessing/standard-scaler.js";
import { DATASETS, dataset, lines, matrix, maxAbsDiff, sklearnPath } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";
import { inputChecks } from "../transformer-contract.js";

function sklearnIterations(name: string): number {
  const metrics = JSON.parse(readFileSync(sklearnPath(`${name}/metrics.json`), "utf8"));
  return metrics.estimators.logistic_regression.n_iter[0];
}

describe("LogisticRegression against scikit-learn 1.2.1 (lbfgs, multinomial)", () => {
  for (const name of DATASETS) {
    it(`${name}: identical predictions, probabilities and coefficients within 1e-4, same iteration count`, () => {
      const { Xtrain, Xtest, ytrain } = dataset(name);
      const scaler = new StandardScaler().fit(Xtrain);
      const clf = new LogisticRegression({ maxIter: 5000 }).fit(scaler.transform(Xtrain), ytrain);
      const Z = scaler.transform(Xtest);
      assert.deepEqual(clf.predict(Z), lines(`${name}/logistic_regression/test_predictions.txt`));
      assert.deepEqual(clf.classes_, lines(`${name}/classes.txt`));
      assert.ok(
        maxAbsDiff(clf.predictProba(Z).data, matrix(`${name}/logistic_regression/test_proba.npy`).data) <
          1e-4,
      );
      assert.ok(maxAbsDiff(clf.coef_!.data, matrix(`${name}/logistic_regression/coef.npy`).data) < 1e-4);
      assert.ok(maxAbsDiff(clf.intercept_!, matrix(`${name}/logistic_regression/intercept.npy`).data) < 1e-4);
      assert.equal(clf.nIter_, sklearnIterations(name));
    });
  }
});

describe("LogisticRegression", () => {
  const iris = dataset("iris");
  const rows = iris.ytrain.flatMap((label, i) => (label === "setosa" ? [] : [i]));
  const Xbin = rows.map((i) => Array.from(iris.Xtrain.data.subarray(i * 4, i * 4 + 4)));
  const ybin = rows.map((i) => iris.ytrain[i]);
  const scaler = new StandardScaler().fit(iris.Xtrain);
  const scaled = { train: scaler.transform(iris.Xtrain), test: scaler.transform(iris.Xtest) };

  it("two classes: a single sigmoid model scoring classes_[1], at a stationary point of the penalised loss", () => {
    const C = 0.5;
    const clf = new LogisticRegression({ C, tol: 1e-9, maxIter: 1000 }).fit(Xbin, ybin);
    assert.equal(clf.coef_!.rows, 1);
    const w = clf.coef_!.data;
    const b = clf.intercept_![0];
    const grad = Array.from(w, (wj) => wj / C);
    let gradB = 0;
    const proba = clf.predictProba(Xbin);
    Xbin.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s + v * w[j], b);
      const p = 1 / (1 + Math.exp(-z));
      assert.ok(Math.abs(proba.data[2 * i + 1] - p) < 1e-12);
      const r = p - (ybin[i] === "virginica" ? 1 : 0);
      x.forEach((v, j) => (grad[j] += r * v));
      gradB += r;
    });
    // sklearn's relative-reduction rule (ftol ≈ 2.2e-9) stops before a tol of 1e-9 is met; the gradient
    // (tens at the start) is still near zero.
    assert.ok(Math.max(...grad.map(Math.abs), Math.abs(gradB)) < 1e-3);
  });

  it("predictLogProba is the log of predictProba; fitIntercept=false leaves zero intercepts", () => {
    const clf = new LogisticRegression({ fitIntercept: false }).fit(scaled.train, iris.ytrain);
    assert.deepEqual(Array.from(clf.intercept_!), [0, 0, 0]);
    const p = clf.predictProba(scaled.test).data;
    const logp = clf.predictLogProba(scaled.test).data;
    assert.deepEqual(Array.from(logp), Array.from(p, Math.log));
  });

  it("emits a ConvergenceWarning when maxIter is reached", async () => {
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const clf = new LogisticRegression({ maxIter: 2 }).fit(iris.Xtrain, iris.ytrain);
    const warning = await warned;
    assert.equal(warning.name, "ConvergenceWarning");
    assert.match(warning.message, /lbfgs failed to converge/);
    assert.equal(clf.nIter_, 2);
  });

  it("accepts numeric labels and keeps their type", () => {
    const y = iris.ytrain.map((label) => ["setosa", "versicolor", "virginica"].indexOf(label) * 10);
    const clf = new LogisticRegression().fit(scaled.train, y);
    assert.deepEqual(clf.classes_, [0, 10, 20]);
    assert.ok(clf.predict(scaled.test).every((label) => typeof label === "number"));
  });

  it("has sklearn's defaults", () => {
    assert.deepEqual(new LogisticRegression().getParams(), {
      C: 1,
      maxIter: 100,
      tol: 1e-4,
      fitIntercept: true,
    });
  });

  classifierContract({
    make: (options) => new LogisticRegression(options),
    X: scaled.train,
    y: iris.ytrain,
    Xtest: scaled.test,
    badParams: [
      [{ C: -1 }, "Expected positive float for C but received -1 of type number"],
      [{ maxIter: 0 }, "Expected positive integer for maxIter but received 0 of type number"],
      [{ tol: "small" }, 'Expected positive float for tol but received "small" of type string'],
      [{ fitIntercept: null }, "Expected boolean for fitIntercept but received null"],
    ],
  });
  inputChecks(() => new LogisticRegression(), { classifier: true });
});
