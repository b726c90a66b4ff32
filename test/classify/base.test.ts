import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeLabels,
  decodeMatrix,
  decodeVector,
  encodeMatrix,
  encodeVector,
  parseEstimatorJSON,
} from "../../src/classify/base.js";
import { estimatorFromJSON } from "../../src/classify/registry.js";
import { toArray, zeros } from "../../src/numeric/matrix.js";
import { toDense } from "../../src/classify/validation.js";
import { LogisticRegression } from "../../src/classify/linear/logistic-regression.js";
import { PCA } from "../../src/classify/decomposition/pca.js";
import { StandardScaler } from "../../src/classify/preprocessing/standard-scaler.js";
import { VERSION } from "../../src/version.js";

describe("matrices", () => {
  it("toDense converts number[][] and float32 to row-major float64, and keeps float64 as is", () => {
    assert.deepEqual(
      toDense([
        [1, 2],
        [3, 4],
      ]),
      { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 },
    );
    const f32 = toDense({ data: new Float32Array([0.5, 1.5]), rows: 1, cols: 2 });
    assert.ok(f32.data instanceof Float64Array);
    const f64 = { data: new Float64Array([1, 2]), rows: 2, cols: 1 };
    assert.equal(toDense(f64).data, f64.data);
  });

  it("zeros and toArray", () => {
    assert.deepEqual(toArray(zeros(2, 1)), [[0], [0]]);
    assert.deepEqual(toArray({ data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 }), [
      [1, 2],
      [3, 4],
    ]);
  });
});

describe("serialisation envelope", () => {
  it("stamps library, version, estimator, params, and null state before fit", () => {
    assert.deepEqual(new PCA({ nComponents: 2 }).toJSON(), {
      library: "vidmae",
      version: VERSION,
      estimator: "PCA",
      params: { nComponents: 2, whiten: false },
      state: null,
    });
  });

  it("estimatorFromJSON revives any registered estimator by name", () => {
    const scaler = new StandardScaler().fit([[1], [3]]);
    const revived = estimatorFromJSON(JSON.parse(JSON.stringify(scaler)));
    assert.ok(revived instanceof StandardScaler);
    assert.deepEqual(revived.mean_, scaler.mean_);
    assert.ok(estimatorFromJSON(new LogisticRegression({ C: 2 }).toJSON()) instanceof LogisticRegression);
  });

  it("rejects malformed JSON, unknown estimators and another estimator's JSON", () => {
    assert.throws(() => estimatorFromJSON({ library: "other" }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected a vidmae estimator JSON for json but received an object of type Object",
    });
    assert.throws(() => estimatorFromJSON({ ...new PCA().toJSON(), estimator: "Nope" }), {
      code: "E_INVALID_ARGUMENT",
      message:
        /^Expected one of: .*LogisticRegression.*PCA.* for json.estimator but received "Nope" of type string$/,
    });
    assert.throws(() => PCA.fromJSON(new StandardScaler().toJSON()), {
      code: "E_INVALID_ARGUMENT",
      message: 'Expected "PCA" for json.estimator but received "StandardScaler" of type string',
    });
    assert.throws(() => parseEstimatorJSON({ ...new PCA().toJSON(), params: 3 }), {
      code: "E_INVALID_ARGUMENT",
    });
    const fitted = new StandardScaler().fit([[1], [2]]).toJSON();
    assert.throws(() => StandardScaler.fromJSON({ ...fitted, state: { ...fitted.state, mean_: [1, 2] } }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected an array of 1 finite numbers for state.mean_ but received an array of length 2",
    });
  });

  it("vector, matrix and label codecs round-trip exactly", () => {
    const v = new Float64Array([0.1, -1e-300, 1 / 3]);
    assert.deepEqual(decodeVector(JSON.parse(JSON.stringify(encodeVector(v))), "v"), v);
    const m = { data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 };
    assert.deepEqual(decodeMatrix(JSON.parse(JSON.stringify(encodeMatrix(m))), "m"), m);
    assert.deepEqual(decodeLabels(["a", 1], "labels"), ["a", 1]);
    assert.throws(() => decodeMatrix({ rows: 2, cols: 2, data: [1] }, "m"), { code: "E_INVALID_ARGUMENT" });
    assert.throws(() => decodeLabels([null], "labels"), { code: "E_INVALID_ARGUMENT" });
  });
});

describe("parameters", () => {
  it("the constructor only stores options; fit checks them", () => {
    const model = new LogisticRegression({ C: -1 });
    assert.equal(model.getParams().C, -1);
    assert.throws(() => model.fit([[0], [1]], ["a", "b"]), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive float for C but received -1 of type number",
    });
  });

  it("setParams returns the estimator, ignores undefined and rejects unknown names", () => {
    const model = new LogisticRegression();
    assert.equal(model.setParams({ C: 3, tol: undefined }), model);
    assert.deepEqual(model.getParams(), { C: 3, maxIter: 100, tol: 1e-4, fitIntercept: true });
    assert.throws(() => model.setParams({ penalty: "l1" }), {
      code: "E_INVALID_ARGUMENT",
      message:
        'Expected one of: C, maxIter, tol, fitIntercept for LogisticRegression parameter name but received "penalty" of type string',
    });
  });

  it("getParams returns a copy", () => {
    const model = new PCA();
    model.getParams().whiten = true;
    assert.equal(model.getParams().whiten, false);
  });
});
