/**
 * Contract tests for transformers (sklearn's estimator checks, trimmed) and the input checks every estimator's
 * `fit` must make; classifiers use these input checks next to estimator-contract.ts's classifierContract.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { type Label, type Transformer } from "../../src/classify/base.js";
import { estimatorFromJSON } from "../../src/classify/registry.js";
import { toArray, type DenseMatrix } from "../../src/numeric/matrix.js";

/** Something with a `fit` that validates its input. */
interface Fittable {
  readonly estimatorName: string;
  fit(X: number[][], y: Label[]): unknown;
}

/**
 * Registers `it` blocks checking sklearn's messages for NaN, infinity and empty input at `fit`, and, for
 * classifiers, for a single class.
 */
export function inputChecks(
  make: () => Fittable,
  options: { classifier: boolean; minSamples?: number },
): void {
  const name = make().estimatorName;
  const X = [
    [0, 1],
    [1, 0],
    [2, 2],
    [3, 1],
  ];
  const y = ["a", "b", "a", "b"];
  it(`${name}: rejects NaN, infinity and empty input with sklearn's messages`, () => {
    assert.throws(() => make().fit([[0, NaN], ...X.slice(1)], y), {
      code: "E_DATA",
      message: "Input X contains NaN.",
    });
    assert.throws(() => make().fit([[0, -Infinity], ...X.slice(1)], y), {
      code: "E_DATA",
      message: "Input X contains infinity or a value too large for dtype('float64').",
    });
    const min = options.minSamples ?? 1;
    assert.throws(() => make().fit([], []), {
      code: "E_DATA",
      message: `Found array with 0 sample(s) (shape=(0, 0)) while a minimum of ${min} is required by ${name}.`,
    });
  });
  if (options.classifier) {
    it(`${name}: rejects a single class and mismatched labels`, () => {
      assert.throws(() => make().fit(X, ["a", "a", "a", "a"]), {
        code: "E_DATA",
        message:
          "This solver needs samples of at least 2 classes in the data, but the data contains only one class: 'a'",
      });
      assert.throws(() => make().fit(X, ["a", "b"]), {
        code: "E_DATA",
        message: "Found input variables with inconsistent numbers of samples: [4, 2]",
      });
    });
  }
}

/** What {@link transformerContract} needs to exercise one transformer class. */
export interface TransformerCase {
  make: (options?: Record<string, unknown>) => Transformer;
  X: DenseMatrix;
  /** Labels, for supervised transformers. */
  y?: string[];
  /** Invalid options and the exact error message each must produce at `fit`. */
  badParams: [Record<string, unknown>, string][];
  minSamples?: number;
}

/**
 * Registers `it` blocks checking: NotFittedError before fit, the wrong-feature-count message, input checks,
 * parameter errors at fit, getParams/setParams, and an exact JSON round trip.
 */
export function transformerContract(c: TransformerCase): void {
  const name = c.make().estimatorName;
  const fitted = () => c.make().fit(c.X, c.y);

  it(`${name}: throws NotFittedError before fit`, () => {
    assert.throws(() => c.make().transform(c.X), {
      code: "E_NOT_FITTED",
      message: `This ${name} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`,
    });
  });

  it(`${name}: rejects a wrong feature count`, () => {
    const wrong = [new Array<number>(c.X.cols + 1).fill(0)];
    assert.throws(() => fitted().transform(wrong), {
      code: "E_DATA",
      message: `X has ${c.X.cols + 1} features, but ${name} is expecting ${c.X.cols} features as input.`,
    });
  });

  inputChecks(() => c.make() as Transformer & { fit(X: number[][], y: Label[]): unknown }, {
    classifier: false,
    minSamples: c.minSamples,
  });

  it(`${name}: checks parameters at fit with exact messages`, () => {
    for (const [options, message] of c.badParams) {
      const model = c.make(options);
      assert.throws(() => model.fit(c.X, c.y), { code: "E_INVALID_ARGUMENT", message });
    }
    assert.throws(() => c.make().setParams({ noSuchOption: 1 }), { code: "E_INVALID_ARGUMENT" });
  });

  it(`${name}: getParams/setParams round trip`, () => {
    const params = c.make().getParams();
    assert.deepEqual(c.make().setParams(params).getParams(), params);
  });

  it(`${name}: fitTransform equals fit then transform, and accepts number[][]`, () => {
    assert.deepEqual(c.make().fitTransform(c.X, c.y), fitted().transform(c.X));
    assert.deepEqual(fitted().transform(toArray(c.X)).data, fitted().transform(c.X).data);
  });

  it(`${name}: toJSON/fromJSON round trip gives identical outputs`, () => {
    const model = fitted();
    const json = JSON.parse(JSON.stringify(model));
    assert.equal(json.library, "vidmae");
    assert.equal(json.estimator, name);
    const revived = estimatorFromJSON(json) as Transformer;
    assert.deepEqual(revived.transform(c.X), model.transform(c.X));
    assert.deepEqual(revived.toJSON(), model.toJSON());
    const Class = model.constructor as unknown as { fromJSON(json: unknown): Transformer };
    assert.deepEqual(Class.fromJSON(json).transform(c.X), model.transform(c.X));
    assert.equal(Class.fromJSON(JSON.parse(JSON.stringify(c.make()))).nFeaturesIn_, undefined);
    assert.throws(() => Class.fromJSON({ ...json, estimator: "Other" }), {
      code: "E_INVALID_ARGUMENT",
      message: `Expected "${name}" for json.estimator but received "Other" of type string`,
    });
  });
}
