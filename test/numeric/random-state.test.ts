import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RandomState } from "../../src/numeric/random-state.js";

// Expected values printed by numpy's legacy np.random.RandomState.
describe("RandomState", () => {
  it("matches numpy's MT19937 raw output and random_sample", () => {
    const rng = new RandomState(0);
    assert.equal(rng.nextUint32(), 2357136044);
    assert.equal(rng.nextUint32(), 2546248239);
    assert.equal(new RandomState(0).random(), 0.5488135039273248);
    assert.equal(new RandomState(1).random(), 0.417022004702574);
    assert.equal(new RandomState(0).uniform(-1, 1), 0.0976270078546495);
  });
  it("matches numpy's shuffle / permutation", () => {
    assert.deepEqual(Array.from(new RandomState(0).permutation(3)), [2, 1, 0]);
    const rng = new RandomState(7);
    assert.deepEqual(
      Array.from(rng.permutation(50)),
      [
        13, 15, 22, 42, 30, 27, 1, 20, 10, 36, 32, 46, 34, 18, 17, 35, 29, 41, 9, 2, 33, 16, 21, 31, 38, 24,
        5, 12, 45, 6, 37, 40, 11, 0, 7, 48, 43, 26, 49, 8, 44, 14, 28, 39, 23, 19, 3, 25, 4, 47,
      ],
    );
    // np.random.RandomState(7): shuffle(arange(50)) then uniform(-0.3, 0.3, (2, 3)), continuing the stream.
    assert.deepEqual(
      Array.from({ length: 3 }, () => rng.uniform(-0.3, 0.3)),
      [-0.07656918636896462, -0.013559307089046957, -0.08046576853164422],
    );
  });
  it("rejects seeds numpy rejects", () => {
    assert.throws(() => new RandomState(2 ** 32), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected integer in [0, 4294967295] for randomState but received 4294967296 of type number",
    });
    assert.throws(() => new RandomState(1.5), { code: "E_INVALID_ARGUMENT" });
  });
});
