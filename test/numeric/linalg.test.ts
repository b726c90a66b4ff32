import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DenseMatrix } from "../../src/numeric/matrix.js";
import {
  argmaxRows,
  columnMeans,
  gram,
  multiplyABt,
  multiplyAtB,
  softmaxRows,
  subtractRow,
} from "../../src/numeric/linalg.js";
import { RandomState } from "../../src/numeric/random-state.js";
import { maxAbsDiff } from "../classify/helpers.js";

type F64 = DenseMatrix<Float64Array>;

function random(rows: number, cols: number, rng: RandomState): F64 {
  return { data: Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1)), rows, cols };
}

/** Textbook triple loop: C = op(A) op(B) with op = transpose when asked. */
function naive(A: F64, B: F64, transposeA: boolean, transposeB: boolean): F64 {
  const at = (M: F64, t: boolean, i: number, j: number) =>
    t ? M.data[j * M.cols + i] : M.data[i * M.cols + j];
  const rows = transposeA ? A.cols : A.rows;
  const inner = transposeA ? A.rows : A.cols;
  const cols = transposeB ? B.rows : B.cols;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += at(A, transposeA, i, k) * at(B, transposeB, k, j);
      out[i * cols + j] = s;
    }
  }
  return { data: out, rows, cols };
}

describe("linalg kernels", () => {
  const rng = new RandomState(0);
  // Odd sizes exercise every remainder path of the 4-row / 2-column blocking.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [5, 3, 1],
    [7, 6, 3],
    [9, 2, 5],
    [64, 17, 10],
  ];

  it("multiplyABt matches the naive product, with and without bias", () => {
    for (const [n, d, k] of shapes) {
      const A = random(n, d, rng);
      const B = random(k, d, rng);
      const bias = Float64Array.from({ length: k }, (_, c) => c);
      const expected = naive(A, B, false, true);
      assert.ok(maxAbsDiff(multiplyABt(A, B).data, expected.data) < 1e-12);
      const withBias = Float64Array.from(expected.data, (v, i) => v + (i % k));
      assert.ok(maxAbsDiff(multiplyABt(A, B, bias).data, withBias) < 1e-12);
    }
  });

  it("multiplyAtB matches the naive product and overwrites its output", () => {
    for (const [n, d, k] of shapes) {
      const A = random(n, k, rng);
      const B = random(n, d, rng);
      const out: F64 = { data: new Float64Array(k * d).fill(7), rows: k, cols: d };
      multiplyAtB(A, B, out);
      assert.ok(maxAbsDiff(out.data, naive(A, B, true, false).data) < 1e-12);
    }
  });

  it("gram equals XᵀX for sizes around its chunk and block edges", () => {
    for (const [n, d] of [
      [3, 1],
      [10, 2],
      [65, 5],
      [130, 9],
    ]) {
      const X = random(n, d, rng);
      const G = gram(X);
      assert.ok(maxAbsDiff(G.data, naive(X, X, true, false).data) < 1e-12);
    }
  });

  it("columnMeans, subtractRow, argmaxRows and softmaxRows", () => {
    const X: F64 = { data: new Float64Array([1, 5, 3, 1]), rows: 2, cols: 2 };
    assert.deepEqual(Array.from(columnMeans(X)), [2, 3]);
    assert.deepEqual(Array.from(subtractRow(X, new Float64Array([1, 1])).data), [0, 4, 2, 0]);
    assert.deepEqual(
      Array.from(argmaxRows({ data: new Float64Array([0, 2, 2, 5, 1, 0]), rows: 2, cols: 3 })),
      [1, 0],
    );
    const P = softmaxRows({ data: new Float64Array([0, 0, 1000, 0]), rows: 2, cols: 2 });
    assert.deepEqual(Array.from(P.data), [0.5, 0.5, 1, 0]);
  });
});
