import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinearSVC } from "../../../src/classify/linear/linear-svc.js";
import { StandardScaler } from "../../../src/classify/preprocessing/standard-scaler.js";
import { DATASETS, dataset, lines, matrix, maxAbsDiff } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";
import { inputChecks } from "../transformer-contract.js";

describe("LinearSVC against scikit-learn 1.2.1 (liblinear dual, squared hinge, one-vs-rest)", () => {
  for (const name of DATASETS) {
    it(`${name}: identical predictions; coefficients and decision values close`, () => {
      const { Xtrain, Xtest, ytrain } = dataset(name);
      const scaler = new StandardScaler().fit(Xtrain);
      const svc = new LinearSVC({ maxIter: 100000 }).fit(scaler.transform(Xtrain), ytrain);
      const Z = scaler.transform(Xtest);
      assert.deepEqual(svc.predict(Z), lines(`${name}/linear_svc/test_predictions.txt`));
      // Both solvers stop at tol = 1e-4 on the dual's projected gradients, from different coordinate orders.
      assert.ok(maxAbsDiff(svc.coef_!.data, matrix(`${name}/linear_svc/coef.npy`).data) < 1e-3);
      assert.ok(maxAbsDiff(svc.intercept_!, matrix(`${name}/linear_svc/intercept.npy`).data) < 1e-3);
      assert.ok(
        maxAbsDiff(svc.decisionFunction(Z).data, matrix(`${name}/linear_svc/test_decision.npy`).data) < 1e-3,
      );
    });
  }
});

describe("LinearSVC", () => {
  const iris = dataset("iris");
  const scaler = new StandardScaler().fit(iris.Xtrain);
  const X = scaler.transform(iris.Xtrain);
  const Xtest = scaler.transform(iris.Xtest);

  it("two classes: a single model scoring classes_[1]", () => {
    const y = iris.ytrain.map((label) => (label === "setosa" ? "setosa" : "other"));
    const svc = new LinearSVC().fit(X, y);
    assert.deepEqual(svc.classes_, ["other", "setosa"]);
    assert.equal(svc.coef_!.rows, 1);
    const scores = svc.decisionFunction(Xtest);
    assert.equal(scores.cols, 1);
    assert.deepEqual(
      svc.predict(Xtest),
      Array.from(scores.data, (s) => (s > 0 ? "setosa" : "other")),
    );
    assert.deepEqual(
      svc.predict(Xtest),
      iris.ytest.map((label) => (label === "setosa" ? "setosa" : "other")),
    );
  });

  it("is reproducible for a given randomState", () => {
    const a = new LinearSVC({ randomState: 3 }).fit(X, iris.ytrain);
    const b = new LinearSVC({ randomState: 3 }).fit(X, iris.ytrain);
    assert.deepEqual(a.coef_, b.coef_);
  });

  it("learns no intercept when fitIntercept is false", () => {
    const svc = new LinearSVC({ fitIntercept: false }).fit(X, iris.ytrain);
    assert.deepEqual(Array.from(svc.intercept_!), [0, 0, 0]);
  });

  it("has sklearn's defaults", () => {
    assert.deepEqual(new LinearSVC().getParams(), {
      C: 1,
      tol: 1e-4,
      maxIter: 1000,
      fitIntercept: true,
      interceptScaling: 1,
      randomState: null,
    });
  });

  classifierContract({
    make: (options) => new LinearSVC(options),
    X,
    y: iris.ytrain,
    Xtest,
    badParams: [
      [{ C: 0 }, "Expected positive float for C but received 0 of type number"],
      [{ maxIter: 1.5 }, "Expected positive integer for maxIter but received 1.5 of type number"],
      [
        { randomState: -1 },
        "Expected non-negative integer or null for randomState but received -1 of type number",
      ],
    ],
  });
  inputChecks(() => new LinearSVC(), { classifier: true });
});
