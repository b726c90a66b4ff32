import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Normalizer } from "../../../src/classify/preprocessing/normalizer.js";
import { dataset } from "../helpers.js";
import { transformerContract } from "../transformer-contract.js";

describe("Normalizer", () => {
  const X = [
    [3, -4],
    [0, 0],
    [1, 1],
  ];

  it("scales rows to unit l2 norm and leaves zero rows alone", () => {
    assert.deepEqual(Array.from(new Normalizer().fitTransform(X).data), [
      0.6,
      -0.8,
      0,
      0,
      1 / Math.SQRT2,
      1 / Math.SQRT2,
    ]);
  });

  it("supports l1 and max norms", () => {
    assert.deepEqual(Array.from(new Normalizer({ norm: "l1" }).fitTransform(X).data), [
      3 / 7,
      -4 / 7,
      0,
      0,
      0.5,
      0.5,
    ]);
    assert.deepEqual(
      Array.from(new Normalizer({ norm: "max" }).fitTransform(X).data),
      [0.75, -1, 0, 0, 1, 1],
    );
  });

  it("has sklearn's default norm", () => {
    assert.deepEqual(new Normalizer().getParams(), { norm: "l2" });
  });

  transformerContract({
    make: (options) => new Normalizer(options),
    X: dataset("iris").Xtrain,
    badParams: [[{ norm: "l3" }, 'Expected one of: l1, l2, max for norm but received "l3" of type string']],
  });
});
