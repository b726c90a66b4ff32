import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimatorFromJSON } from "../../src/classify/registry.js";
import { LogisticRegression } from "../../src/classify/linear/logistic-regression.js";
import { PCA } from "../../src/classify/decomposition/pca.js";
import { Pipeline } from "../../src/classify/pipeline.js";
import { StandardScaler } from "../../src/classify/preprocessing/standard-scaler.js";
import { DATASETS, dataset, lines, matrix, maxAbsDiff } from "./helpers.js";

function scalerPcaLogreg(nComponents: number): Pipeline {
  return new Pipeline([
    ["scaler", new StandardScaler()],
    ["pca", new PCA({ nComponents })],
    ["clf", new LogisticRegression({ maxIter: 5000 })],
  ]);
}

describe("Pipeline against scikit-learn 1.2.1 (StandardScaler → PCA → LogisticRegression)", () => {
  for (const name of DATASETS) {
    it(`${name}: identical predictions, probabilities within 1e-4`, () => {
      const { Xtrain, Xtest, ytrain } = dataset(name);
      const pipe = scalerPcaLogreg(Math.min(8, Xtrain.cols)).fit(Xtrain, ytrain);
      assert.deepEqual(pipe.predict(Xtest), lines(`${name}/pipeline_scaler_pca_logreg/test_predictions.txt`));
      const proba = pipe.predictProba(Xtest);
      assert.ok(
        maxAbsDiff(proba.data, matrix(`${name}/pipeline_scaler_pca_logreg/test_proba.npy`).data) < 1e-4,
      );
    });
  }
});

describe("Pipeline contract", () => {
  const { Xtrain, Xtest, ytrain } = dataset("iris");

  it("routes step__param, replaces steps by name, and lists deep params", () => {
    const pipe = scalerPcaLogreg(2);
    pipe.setParams({ pca__nComponents: 3, clf__C: 0.5 });
    const params = pipe.getParams();
    assert.equal(params.pca__nComponents, 3);
    assert.equal(params.clf__C, 0.5);
    assert.equal(params.scaler, pipe.namedSteps.scaler);
    assert.deepEqual(Object.keys(pipe.getParams({ deep: false })), ["steps"]);
    const replacement = new LogisticRegression({ C: 2 });
    pipe.setParams({ clf: replacement, clf__maxIter: 300 });
    assert.equal(pipe.namedSteps.clf, replacement);
    assert.equal(replacement.getParams().maxIter, 300);
    assert.throws(() => pipe.setParams({ nope__x: 1 }), {
      code: "E_INVALID_ARGUMENT",
      message:
        'Expected one of: steps, scaler, pca, clf (or step__param) for Pipeline parameter name but received "nope__x" of type string',
    });
  });

  it("fits, transforms through every step, and reports nFeaturesIn_ and classes_", () => {
    const pipe = scalerPcaLogreg(2).fit(Xtrain, ytrain);
    assert.equal(pipe.nFeaturesIn_, 4);
    assert.deepEqual(pipe.classes_, ["setosa", "versicolor", "virginica"]);
    assert.equal(pipe.decisionFunction(Xtest).cols, 3);
    const features = new Pipeline([
      ["scaler", new StandardScaler()],
      ["pca", new PCA({ nComponents: 2 })],
    ]);
    assert.equal(features.fitTransform(Xtrain).cols, 2);
    assert.throws(() => pipe.transform(Xtest), {
      code: "E_INVALID_ARGUMENT",
      message:
        "This 'Pipeline' has no method 'transform': its final step LogisticRegression does not implement it",
    });
  });

  it("throws NotFittedError before fit and checks the feature count", () => {
    assert.throws(() => scalerPcaLogreg(2).predict(Xtest), {
      code: "E_NOT_FITTED",
      message:
        "This Pipeline instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.",
    });
    const pipe = scalerPcaLogreg(2).fit(Xtrain, ytrain);
    assert.throws(() => pipe.predict([[1, 2, 3]]), {
      code: "E_DATA",
      message: "X has 3 features, but StandardScaler is expecting 4 features as input.",
    });
  });

  it("validates steps at fit", () => {
    assert.throws(() => new Pipeline([]).fit(Xtrain, ytrain), { code: "E_INVALID_ARGUMENT" });
    assert.throws(
      () =>
        new Pipeline([
          ["clf", new LogisticRegression()],
          ["scaler", new StandardScaler()],
        ]).fit(Xtrain, ytrain),
      {
        code: "E_INVALID_ARGUMENT",
        message:
          "All intermediate steps should be transformers and implement fit and transform; 'clf' (LogisticRegression) doesn't",
      },
    );
    assert.throws(
      () =>
        new Pipeline([
          ["a", new StandardScaler()],
          ["a", new LogisticRegression()],
        ]).fit(Xtrain, ytrain),
      {
        code: "E_INVALID_ARGUMENT",
        message: 'Expected unique step names for steps but received "a" of type string',
      },
    );
    assert.throws(
      () =>
        new Pipeline([
          ["a__b", new StandardScaler()],
          ["c", new LogisticRegression()],
        ]).fit(Xtrain, ytrain),
      { code: "E_INVALID_ARGUMENT" },
    );
  });

  it("round-trips through JSON with the registry, fitted and unfitted", () => {
    const pipe = scalerPcaLogreg(2).fit(Xtrain, ytrain);
    const json = JSON.parse(JSON.stringify(pipe.toJSON()));
    assert.equal(json.estimator, "Pipeline");
    assert.equal(json.library, "vidmae");
    const revived = Pipeline.fromJSON(json, estimatorFromJSON);
    assert.deepEqual(revived.predict(Xtest), pipe.predict(Xtest));
    assert.deepEqual(revived.predictProba(Xtest).data, pipe.predictProba(Xtest).data);
    const viaRegistry = estimatorFromJSON(json) as Pipeline;
    assert.deepEqual(Object.keys(viaRegistry.namedSteps), ["scaler", "pca", "clf"]);
    const unfitted = Pipeline.fromJSON(
      JSON.parse(JSON.stringify(scalerPcaLogreg(3).toJSON())),
      estimatorFromJSON,
    );
    assert.equal(unfitted.toJSON().state, null);
    assert.equal(unfitted.getParams().pca__nComponents, 3);
    assert.throws(() => Pipeline.fromJSON({ ...json, estimator: "PCA" }, estimatorFromJSON), {
      code: "E_INVALID_ARGUMENT",
    });
  });

  it("clone gives an unfitted copy with equal parameters", () => {
    const pipe = scalerPcaLogreg(2).fit(Xtrain, ytrain);
    const copy = pipe.clone();
    assert.equal(copy.nFeaturesIn_, undefined);
    assert.notEqual(copy.namedSteps.pca, pipe.namedSteps.pca);
    assert.equal(copy.getParams().pca__nComponents, 2);
  });
});
