import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PCA } from "../../src/classify/decomposition/pca.js";
import {
  checkArray,
  checkClassificationTargets,
  checkIsFitted,
  checkNFeatures,
  checkXy,
  compareLabels,
  labelRepr,
  toDense,
} from "../../src/classify/validation.js";
import { checkParams, param } from "../../src/classify/params.js";

describe("checkArray", () => {
  it("returns float64 row-major data", () => {
    assert.deepEqual(checkArray([[1, 2]], "PCA"), { data: new Float64Array([1, 2]), rows: 1, cols: 2 });
  });

  it("uses sklearn's messages for NaN, infinity and empty arrays", () => {
    assert.throws(() => checkArray([[1, NaN]], "PCA"), { code: "E_DATA", message: "Input X contains NaN." });
    assert.throws(() => checkArray({ data: new Float32Array([Infinity]), rows: 1, cols: 1 }, "PCA"), {
      code: "E_DATA",
      message: "Input X contains infinity or a value too large for dtype('float64').",
    });
    assert.throws(() => checkArray([], "PCA"), {
      code: "E_DATA",
      message: "Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required by PCA.",
    });
    assert.throws(() => checkArray([[], []], "PCA"), {
      code: "E_DATA",
      message: "Found array with 0 feature(s) (shape=(2, 0)) while a minimum of 1 is required by PCA.",
    });
    assert.throws(() => checkArray([[1]], "PCA", 2), {
      code: "E_DATA",
      message: "Found array with 1 sample(s) (shape=(1, 1)) while a minimum of 2 is required by PCA.",
    });
  });

  it("rejects wrong dimensions, ragged rows, non-numbers and inconsistent dense matrices", () => {
    assert.throws(() => checkArray([1, 2] as unknown as number[][], "PCA"), {
      code: "E_DATA",
      message:
        "Expected 2D array, got 1D array instead. Reshape your data to one row per sample (number[][]).",
    });
    assert.throws(() => checkArray([[1, 2], [3]], "PCA"), {
      code: "E_DATA",
      message: "Input X is not rectangular: row 1 has 1 values but row 0 has 2.",
    });
    assert.throws(() => checkArray([["1"]] as unknown as number[][], "PCA"), {
      code: "E_DATA",
      message: "Input X holds a non-number at row 0, column 0: 1.",
    });
    assert.throws(() => toDense({ data: new Float64Array(3), rows: 2, cols: 2 }), {
      code: "E_DATA",
      message: "Input X has 3 values but rows × cols = 2 × 2.",
    });
    assert.throws(() => toDense("X" as unknown as number[][]), {
      code: "E_INVALID_ARGUMENT",
      message:
        'Expected a number[][] or a dense matrix { data, rows, cols } for X but received "X" of type string',
    });
  });
});

describe("checkXy and classification targets", () => {
  it("checks lengths and label values", () => {
    assert.throws(() => checkXy([[1], [2]], ["a"], "LogisticRegression"), {
      code: "E_DATA",
      message: "Found input variables with inconsistent numbers of samples: [2, 1]",
    });
    assert.throws(() => checkXy([[1], [2]], [0, NaN], "LogisticRegression"), {
      code: "E_DATA",
      message: "Input y contains NaN.",
    });
    assert.deepEqual(checkXy([[1]], Int32Array.of(3), "LogisticRegression").y, [3]);
  });

  it("sorts classes as numpy does and encodes y", () => {
    assert.deepEqual(checkClassificationTargets(["b", "a", "B", "b"]), {
      classes: ["B", "a", "b"],
      yIndex: Int32Array.of(2, 1, 0, 2),
    });
    assert.deepEqual(checkClassificationTargets([10, 2, 2]).classes, [2, 10]);
    // Code point order: U+1F600 (surrogate pair in UTF-16) sorts after U+FF5E.
    assert.deepEqual(checkClassificationTargets(["😀", "～"]).classes, ["～", "😀"]);
  });

  it("rejects a single class, mixed label types and continuous targets", () => {
    assert.throws(() => checkClassificationTargets(["a", "a"]), {
      code: "E_DATA",
      message:
        "This solver needs samples of at least 2 classes in the data, but the data contains only one class: 'a'",
    });
    assert.throws(() => checkClassificationTargets([7]), {
      message:
        "This solver needs samples of at least 2 classes in the data, but the data contains only one class: 7",
    });
    assert.deepEqual(checkClassificationTargets(["a"], 1).classes, ["a"]);
    assert.throws(() => checkClassificationTargets(["a", 1]), {
      code: "E_DATA",
      message: "Mix of label input types (string and number)",
    });
    assert.throws(() => checkClassificationTargets([0.5, 1]), {
      code: "E_DATA",
      message: "Unknown label type: 'continuous'",
    });
  });

  it("compareLabels and labelRepr", () => {
    assert.ok(compareLabels("a", "b") < 0 && compareLabels(2, 10) < 0 && compareLabels("ab", "a") > 0);
    assert.equal(labelRepr("x"), "'x'");
    assert.equal(labelRepr(3), "3");
  });
});

describe("fitted state and feature count", () => {
  it("checkIsFitted and checkNFeatures use sklearn's messages", () => {
    const pca = new PCA();
    assert.throws(() => checkIsFitted(pca), {
      name: "NotFittedError",
      code: "E_NOT_FITTED",
      message:
        "This PCA instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.",
    });
    pca.fit([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    checkIsFitted(pca);
    assert.throws(() => checkNFeatures(pca, toDense([[1, 2, 3]])), {
      code: "E_DATA",
      message: "X has 3 features, but PCA is expecting 2 features as input.",
    });
  });
});

describe("parameter schema", () => {
  const schema = {
    C: param.positiveFloat(1),
    tol: param.nonNegativeFloat(0),
    maxIter: param.positiveInt(10),
    flag: param.boolean(true),
    norm: param.oneOf("l2", ["l1", "l2"]),
    seed: param.randomState(),
    even: param.custom(2, "even integer", (v) => Number.isInteger(v) && (v as number) % 2 === 0),
  } as const;
  const defaults = { C: 1, tol: 0, maxIter: 10, flag: true, norm: "l2" as const, seed: null, even: 2 };

  it("accepts valid values", () => {
    checkParams(schema, defaults);
    checkParams(schema, { ...defaults, seed: 5, tol: 1e-3 });
  });

  it("rejects each invalid value with the one sentence shape", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ C: 0 }, "Expected positive float for C but received 0 of type number"],
      [{ C: Infinity }, "Expected positive float for C but received Infinity of type number"],
      [{ tol: -1e-9 }, "Expected non-negative float for tol but received -1e-9 of type number"],
      [{ maxIter: 2.5 }, "Expected positive integer for maxIter but received 2.5 of type number"],
      [{ flag: "true" }, 'Expected boolean for flag but received "true" of type string'],
      [{ norm: "max" }, 'Expected one of: l1, l2 for norm but received "max" of type string'],
      [{ seed: 1.5 }, "Expected non-negative integer or null for seed but received 1.5 of type number"],
      [{ even: 3 }, "Expected even integer for even but received 3 of type number"],
    ];
    for (const [change, message] of cases) {
      assert.throws(() => checkParams(schema, { ...defaults, ...change } as typeof defaults), {
        code: "E_INVALID_ARGUMENT",
        message,
      });
    }
  });
});
