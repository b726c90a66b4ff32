/** Contract tests every classifier must pass (sklearn's estimator checks, trimmed), and small data helpers. */
import assert from "node:assert/strict";
import { it } from "node:test";
import { type Classifier } from "../../src/classify/base.js";
import { estimatorFromJSON } from "../../src/classify/registry.js";
import { type DenseMatrix, type Matrix } from "../../src/numeric/matrix.js";

/** Stacks two matrices with the same column count (numpy's vstack). */
export function concatRows(a: DenseMatrix, b: DenseMatrix): DenseMatrix<Float64Array> {
  const data = new Float64Array((a.rows + b.rows) * a.cols);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { data, rows: a.rows + b.rows, cols: a.cols };
}

/** What {@link classifierContract} needs to exercise one classifier class. */
export interface ContractCase {
  /** Builds an unfitted classifier with the given options. */
  make: (options?: Record<string, unknown>) => Classifier;
  /** Training data with at least two classes. */
  X: Matrix;
  y: string[];
  /** Held-out rows with the same column count. */
  Xtest: Matrix;
  /** Invalid options and the exact error message each must produce at `fit`. */
  badParams: [Record<string, unknown>, string][];
}

/**
 * Registers `it` blocks checking: NotFittedError before fit, the wrong-feature-count message, sklearn-style
 * parameter errors at fit, getParams/setParams, and an exact JSON round trip (fitted and unfitted).
 */
export function classifierContract(c: ContractCase): void {
  const name = c.make().estimatorName;
  const nFeatures = (c.X as DenseMatrix).cols ?? (c.X as number[][])[0].length;

  it(`${name}: throws NotFittedError before fit`, () => {
    assert.throws(() => c.make().predict(c.Xtest), {
      code: "E_NOT_FITTED",
      message: `This ${name} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`,
    });
  });

  it(`${name}: rejects a wrong feature count`, () => {
    const model = c.make().fit(c.X, c.y);
    const wrong = [new Array<number>(nFeatures + 1).fill(0)];
    assert.throws(() => model.predict(wrong), {
      code: "E_DATA",
      message: `X has ${nFeatures + 1} features, but ${name} is expecting ${nFeatures} features as input.`,
    });
  });

  it(`${name}: checks parameters at fit with exact messages`, () => {
    for (const [options, message] of c.badParams) {
      const model = c.make(options); // the constructor only stores
      assert.throws(() => model.fit(c.X, c.y), { code: "E_INVALID_ARGUMENT", message });
    }
    assert.throws(() => c.make().setParams({ noSuchOption: 1 }), { code: "E_INVALID_ARGUMENT" });
  });

  it(`${name}: getParams/setParams round trip`, () => {
    const model = c.make();
    const params = model.getParams();
    assert.deepEqual(c.make().setParams(params).getParams(), params);
  });

  it(`${name}: toJSON/fromJSON round trip (fitted and unfitted), stamped with the version`, () => {
    const model = c.make().fit(c.X, c.y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    assert.equal(json.library, "vidmae");
    assert.equal(json.estimator, name);
    assert.match(json.version, /^\d+\.\d+\.\d+/);
    const revived = estimatorFromJSON(json) as Classifier;
    assert.deepEqual(revived.predict(c.Xtest), model.predict(c.Xtest));
    if (model.predictProba)
      assert.deepEqual(revived.predictProba!(c.Xtest).data, model.predictProba(c.Xtest).data);
    assert.deepEqual(revived.toJSON(), model.toJSON());
    const unfitted = estimatorFromJSON(JSON.parse(JSON.stringify(c.make().toJSON())));
    assert.equal(unfitted.nFeaturesIn_, undefined);
    assert.equal(unfitted.toJSON().state, null);
  });
}
