import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StratifiedKFold } from "../../../src/classify/model-selection/stratified-k-fold.js";
import { DATASETS, lines, sklearnPath } from "../helpers.js";

describe("StratifiedKFold", () => {
  for (const name of DATASETS) {
    it(`${name}: shuffle with randomState 0 reproduces sklearn's cv_folds.json exactly`, () => {
      const y = [...lines(`${name}/y_train.txt`), ...lines(`${name}/y_test.txt`)];
      const { folds } = JSON.parse(readFileSync(sklearnPath(`${name}/cv_folds.json`), "utf8")) as {
        folds: { train: number[]; test: number[] }[];
      };
      assert.deepEqual(new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 0 }).split(y), folds);
    });
  }

  it("without shuffle assigns each class's samples to folds in blocks, in data order", () => {
    const y = ["a", "b", "a", "b", "a", "b", "a", "a", "c", "c"];
    // Sorted by first appearance: a×5, b×3, c×2; dealt round-robin over 2 folds → a: 3/2, b: 1/2, c: 1/1.
    assert.deepEqual(
      Array.from(new StratifiedKFold({ nSplits: 2 }).testFolds(y)),
      [0, 0, 0, 1, 0, 1, 1, 1, 0, 1],
    );
    const folds = new StratifiedKFold({ nSplits: 2 }).split(y);
    assert.deepEqual(folds[0], { train: [3, 5, 6, 7, 9], test: [0, 1, 2, 4, 8] });
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const y = Array.from({ length: 60 }, (_, i) => i % 3);
    const split = (seed: number) =>
      new StratifiedKFold({ nSplits: 3, shuffle: true, randomState: seed }).split(y);
    assert.deepEqual(split(1), split(1));
    assert.notDeepEqual(split(1), split(2));
  });

  it("rejects bad options and too few samples", () => {
    assert.throws(() => new StratifiedKFold({ nSplits: 1 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected integer of at least 2 for nSplits but received 1 of type number",
    });
    assert.throws(() => new StratifiedKFold({ randomState: 0 }), { code: "E_INVALID_ARGUMENT" });
    assert.throws(() => new StratifiedKFold({ shuffle: true, randomState: -1 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected integer in [0, 4294967295] for randomState but received -1 of type number",
    });
    assert.throws(() => new StratifiedKFold({ nSplits: 3 }).split(["a", "b"]), {
      code: "E_DATA",
      message: "Cannot have number of splits nSplits=3 greater than the number of samples: n_samples=2.",
    });
    assert.throws(() => new StratifiedKFold({ nSplits: 3 }).split(["a", "a", "b", "b"]), {
      code: "E_DATA",
      message: "nSplits=3 cannot be greater than the number of members in each class.",
    });
  });
});
