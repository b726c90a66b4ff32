import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pairwiseMean, pairwiseStd, pairwiseSum } from "../../src/numeric/pairwise-sum.js";
import { RandomState } from "../../src/numeric/random-state.js";

describe("pairwiseSum", () => {
  it("reproduces numpy's float64 sum bit for bit (short, blocked and recursive paths)", () => {
    const rng = new RandomState(1);
    const values = Array.from({ length: 1000 }, () => rng.random());
    // np.random.RandomState(1).rand(1000): a.sum(), a[:300].sum(), a[:13].sum()
    assert.equal(pairwiseSum(values), 500.60459945590515);
    assert.equal(pairwiseSum(values.slice(0, 300)), 152.54279689342113);
    assert.equal(pairwiseSum(values.slice(0, 13)), 4.455159342366144);
  });
  it("derives mean and population std", () => {
    assert.equal(pairwiseSum([]), 0);
    assert.equal(pairwiseMean([1, 2, 4]), 7 / 3);
    assert.equal(pairwiseStd([1, 2, 3, 4]), Math.sqrt(1.25));
  });
});
