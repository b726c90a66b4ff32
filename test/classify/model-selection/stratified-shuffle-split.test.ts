import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RandomState } from "../../../src/numeric/random-state.js";
import { stratifiedShuffleSplit } from "../../../src/classify/model-selection/stratified-shuffle-split.js";

describe("stratifiedShuffleSplit", () => {
  const y = [..."aaaaaaabbbbbcccddddddddddd"];

  it("draws the same split as sklearn 1.2.1's StratifiedShuffleSplit for a numpy RandomState", () => {
    // next(StratifiedShuffleSplit(1, test_size=nTest, random_state=np.random.RandomState(seed)).split(X, y))
    const expected = [
      {
        seed: 0,
        nTest: 5,
        train: [15, 17, 10, 0, 13, 18, 8, 14, 22, 20, 2, 21, 3, 1, 6, 23, 19, 5, 24, 7, 11],
        test: [9, 25, 12, 16, 4],
      },
      {
        seed: 3,
        nTest: 7,
        train: [1, 12, 10, 9, 22, 4, 19, 18, 16, 8, 11, 13, 3, 6, 17, 15, 5, 21, 23],
        test: [25, 7, 20, 24, 0, 14, 2],
      },
      {
        seed: 11,
        nTest: 4,
        train: [21, 5, 3, 16, 9, 20, 13, 14, 0, 10, 23, 7, 24, 2, 18, 4, 12, 11, 6, 19, 22, 17],
        test: [1, 25, 15, 8],
      },
    ];
    for (const { seed, nTest, train, test } of expected) {
      assert.deepEqual(stratifiedShuffleSplit(y, nTest, new RandomState(seed)), { train, test });
    }
  });

  it("rejects classes with one member and sides smaller than the class count", () => {
    assert.throws(() => stratifiedShuffleSplit(["a", "a", "b"], 1, new RandomState(0)), { code: "E_DATA" });
    assert.throws(() => stratifiedShuffleSplit(y, 3, new RandomState(0)), {
      code: "E_DATA",
      message: "The test_size = 3 should be greater or equal to the number of classes = 4",
    });
    assert.throws(() => stratifiedShuffleSplit(y, 23, new RandomState(0)), {
      code: "E_DATA",
      message: "The train_size = 3 should be greater or equal to the number of classes = 4",
    });
  });
});
