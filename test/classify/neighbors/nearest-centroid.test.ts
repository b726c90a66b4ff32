import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NearestCentroid } from "../../../src/classify/neighbors/nearest-centroid.js";
import { DATASETS, dataset, lines, matrix, maxAbsDiff } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";

describe("NearestCentroid against scikit-learn 1.2.1", () => {
  for (const name of DATASETS) {
    it(`${name}: identical predictions, centroids within 1e-9`, () => {
      const { Xtrain, Xtest, ytrain, classes } = dataset(name);
      const nc = new NearestCentroid().fit(Xtrain, ytrain);
      assert.deepEqual(nc.classes_, classes);
      assert.ok(
        maxAbsDiff(nc.centroids_!.data, matrix(`${name}/nearest_centroid/centroids.npy`).data) < 1e-9,
      );
      assert.deepEqual(nc.predict(Xtest), lines(`${name}/nearest_centroid/test_predictions.txt`));
    });
  }
});

describe("NearestCentroid", () => {
  const X = [
    [0, 0],
    [0, 2],
    [1, 1],
    [9, 9],
    [10, 10],
    [30, 30],
  ];
  const y = ["a", "a", "a", "b", "b", "b"];

  it("matches sklearn 1.2.1 with manhattan (class medians) and with shrunken centroids", () => {
    const { Xtrain, Xtest, ytrain } = dataset("iris");
    // NearestCentroid(metric="manhattan") and NearestCentroid(shrink_threshold=0.5) on the iris training set.
    const medians = [
      5.0, 3.4000000953674316, 1.399999976158142, 0.20000000298023224, 5.900000095367432, 2.799999952316284,
      4.300000190734863, 1.2999999523162842, 6.599999904632568, 3.0, 5.549999952316284, 2.049999952316284,
    ];
    const shrunk = [
      5.068262471937801, 3.372988675479584, 1.5022688606670411, 0.289608557471299, 5.866071424313954,
      2.7783626990692505, 4.176109502246349, 1.2833644141726517, 6.612074613911344, 3.0187378913762886,
      5.526356325778497, 1.9940634887897326,
    ];
    const manhattan = new NearestCentroid({ metric: "manhattan" }).fit(Xtrain, ytrain);
    assert.ok(maxAbsDiff(manhattan.centroids_!.data, medians) < 1e-12);
    assert.equal(manhattan.predict(Xtest).length, Xtest.rows);
    assert.ok(
      maxAbsDiff(new NearestCentroid({ shrinkThreshold: 0.5 }).fit(Xtrain, ytrain).centroids_!.data, shrunk) <
        1e-12,
    );
    assert.deepEqual(
      new NearestCentroid({ metric: "manhattan" }).fit(X, y).predict([
        [4, 4],
        [6, 6],
      ]),
      ["a", "b"],
    );
    assert.throws(() => new NearestCentroid({ shrinkThreshold: 1 }).fit([[1], [1]], ["a", "b"]), {
      code: "E_DATA",
      message: "All features have zero variance. Division by zero.",
    });
  });

  it("needs two classes", () => {
    assert.throws(() => new NearestCentroid().fit([[0], [1]], ["a", "a"]), {
      code: "E_DATA",
      message: "The number of classes has to be greater than one; got 1 class",
    });
  });

  classifierContract({
    make: (options) => new NearestCentroid(options),
    X,
    y,
    Xtest: [
      [1, 0],
      [20, 20],
    ],
    badParams: [
      [
        { metric: "cosine" },
        'Expected one of: euclidean, manhattan for metric but received "cosine" of type string',
      ],
      [
        { shrinkThreshold: -1 },
        "Expected positive float or null for shrinkThreshold but received -1 of type number",
      ],
    ],
  });
});
