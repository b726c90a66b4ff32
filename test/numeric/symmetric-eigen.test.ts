import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DenseMatrix } from "../../src/numeric/matrix.js";
import { gram, multiplyABt } from "../../src/numeric/linalg.js";
import { RandomState } from "../../src/numeric/random-state.js";
import { symmetricEigen } from "../../src/numeric/symmetric-eigen.js";
import { maxAbsDiff } from "../classify/helpers.js";

type F64 = DenseMatrix<Float64Array>;

/** Checks A vₖ = λₖ vₖ, orthonormal rows and descending order; returns nothing, asserts. */
function assertEigen(A: F64, tolerance: number): void {
  const n = A.rows;
  const before = Float64Array.from(A.data);
  const { values, vectors } = symmetricEigen(A);
  assert.deepEqual(A.data, before);
  for (let k = 1; k < n; k++) assert.ok(values[k - 1] >= values[k]);
  const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  assert.ok(maxAbsDiff(multiplyABt(vectors, vectors).data, identity) < 1e-12);
  const AV = multiplyABt(vectors, A); // row k: (A vₖ)ᵀ
  const scale = Math.max(1, Math.abs(values[0]));
  for (let k = 0; k < n; k++) {
    const expected = Float64Array.from(vectors.data.subarray(k * n, (k + 1) * n), (v) => v * values[k]);
    assert.ok(maxAbsDiff(AV.data.subarray(k * n, (k + 1) * n), expected) < tolerance * scale);
  }
}

describe("symmetricEigen", () => {
  const rng = new RandomState(0);
  const randomGram = (rows: number, cols: number): F64 =>
    gram({ data: Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1)), rows, cols });

  it("decomposes 1 × 1, 2 × 2 and small matrices", () => {
    assert.deepEqual(
      symmetricEigen({ data: new Float64Array([3]), rows: 1, cols: 1 }).values,
      new Float64Array([3]),
    );
    const two = symmetricEigen({ data: new Float64Array([2, 1, 1, 2]), rows: 2, cols: 2 });
    assert.ok(maxAbsDiff(two.values, [3, 1]) < 1e-15);
    for (const n of [2, 3, 4, 7]) assertEigen(randomGram(n + 3, n), 1e-13);
  });

  it("decomposes larger, rank-deficient and indefinite matrices", () => {
    assertEigen(randomGram(120, 60), 1e-13);
    assertEigen(randomGram(10, 40), 1e-13); // rank 10
    const n = 30;
    const indefinite = Float64Array.from({ length: n * n }, (_, i) => {
      const [r, c] = [Math.floor(i / n), i % n];
      return Math.cos(r + c) + (r === c ? r - n / 2 : 0);
    });
    assertEigen({ data: indefinite, rows: n, cols: n }, 1e-13);
  });

  it("handles diagonal matrices and repeated eigenvalues", () => {
    const diag = { data: new Float64Array([1, 0, 0, 0, 5, 0, 0, 0, 1]), rows: 3, cols: 3 };
    const { values } = symmetricEigen(diag);
    assert.deepEqual(Array.from(values), [5, 1, 1]);
    assertEigen(diag, 1e-15);
  });

  it("rejects non-finite input", () => {
    assert.throws(
      () => symmetricEigen({ data: new Float64Array([1, NaN, NaN, 1, 0, 0, 0, 0, 1]), rows: 3, cols: 3 }),
      {
        code: "E_DATA",
      },
    );
  });
});
