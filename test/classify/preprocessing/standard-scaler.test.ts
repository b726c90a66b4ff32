import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardScaler } from "../../../src/classify/preprocessing/standard-scaler.js";
import { DATASETS, dataset, matrix, maxAbsDiff } from "../helpers.js";
import { transformerContract } from "../transformer-contract.js";

describe("StandardScaler against scikit-learn 1.2.1", () => {
  for (const name of DATASETS) {
    it(`${name}: mean_, scale_ and transform within 1e-6`, () => {
      const { Xtrain, Xtest } = dataset(name);
      const scaler = new StandardScaler().fit(Xtrain);
      assert.ok(maxAbsDiff(scaler.mean_!, matrix(`${name}/standard_scaler/mean.npy`).data) < 1e-6);
      assert.ok(maxAbsDiff(scaler.scale_!, matrix(`${name}/standard_scaler/scale.npy`).data) < 1e-6);
      const out = scaler.transform(Xtest);
      assert.ok(maxAbsDiff(out.data, matrix(`${name}/standard_scaler/test_transformed.npy`).data) < 1e-6);
    });
  }
});

describe("StandardScaler", () => {
  const X = [
    [1, 10, 5],
    [3, 10, 7],
    [5, 10, 9],
  ];

  it("uses the population std and scales constant features by 1", () => {
    const scaler = new StandardScaler().fit(X);
    assert.deepEqual(Array.from(scaler.mean_!), [3, 10, 7]);
    assert.deepEqual(Array.from(scaler.scale_!), [Math.sqrt(8 / 3), 1, Math.sqrt(8 / 3)]);
    assert.equal(scaler.nSamplesSeen_, 3);
    assert.deepEqual(Array.from(scaler.transform([[3, 11, 7]]).data), [0, 1, 0]);
  });

  it("treats a feature with rounding-level variance as constant", () => {
    const scaler = new StandardScaler().fit([[0.1 + 0.2], [0.3], [0.3]]);
    assert.equal(scaler.scale_![0], 1);
  });

  it("honours withMean and withStd", () => {
    assert.deepEqual(
      Array.from(new StandardScaler({ withMean: false }).fit(X).transform([[3, 10, 7]]).data),
      [3 / Math.sqrt(8 / 3), 10, 7 / Math.sqrt(8 / 3)],
    );
    const centred = new StandardScaler({ withStd: false }).fit(X);
    assert.equal(centred.scale_, null);
    assert.deepEqual(Array.from(centred.transform([[4, 10, 7]]).data), [1, 0, 0]);
  });

  it("accepts float32 dense matrices", () => {
    const X32 = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2 };
    assert.deepEqual(Array.from(new StandardScaler().fitTransform(X32).data), [-1, -1, 1, 1]);
  });

  it("has sklearn's defaults", () => {
    assert.deepEqual(new StandardScaler().getParams(), { withMean: true, withStd: true });
  });

  transformerContract({
    make: (options) => new StandardScaler(options),
    X: dataset("iris").Xtrain,
    badParams: [[{ withMean: "yes" }, 'Expected boolean for withMean but received "yes" of type string']],
  });
});
