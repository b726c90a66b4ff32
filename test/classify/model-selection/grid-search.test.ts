import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crossValidate } from "../../../src/classify/model-selection/cross-validation.js";
import { GridSearchCV, parameterGrid } from "../../../src/classify/model-selection/grid-search.js";
import { KNeighborsClassifier } from "../../../src/classify/neighbors/k-neighbors.js";
import { LogisticRegression } from "../../../src/classify/linear/logistic-regression.js";
import { PCA } from "../../../src/classify/decomposition/pca.js";
import { Pipeline } from "../../../src/classify/pipeline.js";
import { StandardScaler } from "../../../src/classify/preprocessing/standard-scaler.js";
import { dataset } from "../helpers.js";

describe("parameterGrid", () => {
  it("enumerates sorted keys with the last varying fastest, over one grid or several", () => {
    assert.deepEqual(parameterGrid({ b: [1, 2], a: ["x", "y"] }), [
      { a: "x", b: 1 },
      { a: "x", b: 2 },
      { a: "y", b: 1 },
      { a: "y", b: 2 },
    ]);
    assert.deepEqual(parameterGrid([{ a: [1] }, { c: [3] }]), [{ a: 1 }, { c: 3 }]);
    assert.throws(() => parameterGrid({ a: [] }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected a non-empty array of values for paramGrid.a but received an array of length 0",
    });
  });
});

describe("GridSearchCV", () => {
  const { Xtrain, Xtest, ytrain } = dataset("iris");
  const pipeline = () =>
    new Pipeline([
      ["scaler", new StandardScaler()],
      ["pca", new PCA({ nComponents: 2 })],
      ["clf", new KNeighborsClassifier()],
    ]);

  it("cross-validates each pipeline setting on the same folds, ranks them and refits the best", () => {
    const estimator = pipeline();
    const search = new GridSearchCV({
      estimator,
      paramGrid: { pca__nComponents: [1, 3], clf__nNeighbors: [1, 15] },
      cv: 4,
    }).fit(Xtrain, ytrain);
    const results = search.cvResults_!;
    assert.equal(results.params.length, 4);
    assert.deepEqual(results.params[0], { clf__nNeighbors: 1, pca__nComponents: 1 });
    // Each mean is the cross-validation score of that setting alone.
    const again = crossValidate(pipeline().setParams(results.params[2]), Xtrain, ytrain, { cv: 4 });
    assert.deepEqual(results.splitTestScores[2], again.testScore);
    assert.equal(results.meanTestScore[2], again.mean);
    assert.equal(search.bestScore_, Math.max(...results.meanTestScore));
    assert.equal(results.rankTestScore[search.bestIndex_!], 1);
    assert.equal(search.bestIndex_, results.meanTestScore.indexOf(search.bestScore_!));
    assert.equal(estimator.nFeaturesIn_, undefined); // the template is never fitted
    const best = search.bestEstimator_ as Pipeline;
    assert.deepEqual(best.getParams().pca__nComponents, search.bestParams_!.pca__nComponents);
    assert.deepEqual(search.predict(Xtest), best.predict(Xtest));
    assert.equal(search.predictProba(Xtest).cols, 3);
    assert.deepEqual(search.classes_, ["setosa", "versicolor", "virginica"]);
  });

  it("shares rank 1 between equal scores and picks the first", () => {
    const search = new GridSearchCV({
      estimator: new LogisticRegression(),
      paramGrid: { maxIter: [1000, 2000] }, // both converge to the same model
      cv: 3,
      refit: false,
    }).fit(Xtrain, ytrain);
    assert.deepEqual(search.cvResults_!.rankTestScore, [1, 1]);
    assert.equal(search.bestIndex_, 0);
    assert.throws(() => search.predict(Xtest), { code: "E_NOT_FITTED" });
  });

  it("surfaces a candidate's invalid parameter as that estimator's error", () => {
    const search = new GridSearchCV({ estimator: pipeline(), paramGrid: { clf__nNeighbors: [0] }, cv: 2 });
    assert.throws(() => search.fit(Xtrain, ytrain), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive integer for nNeighbors but received 0 of type number",
    });
  });
});
