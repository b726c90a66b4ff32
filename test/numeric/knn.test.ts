import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KNN_METRICS } from "../../src/numeric/knn-scores.js";
import {
  TopK,
  candidatesFromScores,
  prepareNeighborRows,
  sklearnKneighbors,
  type ScoreKernel,
} from "../../src/numeric/knn.js";
import { nativeCandidates } from "../../src/classify/neighbors/candidate-graph.js";
import { RandomState } from "../../src/numeric/random-state.js";
import { blockingScoreBlock } from "../../src/search/scores.js";

/** A plain float32 reference kernel (scores as scores.ts defines them), rounded to float32 after every step. */
const jsKernel: ScoreKernel = (metric, q, rows, terms, dim) => {
  const m = q.length / dim;
  const n = rows.length / dim;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let r = 0; r < n; r++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot = Math.fround(dot + Math.fround(q[i * dim + j] * rows[r * dim + j]));
      out[i * n + r] = metric === "l2" ? terms[r] - 2 * dot : -dot * terms[r];
    }
  return out;
};

/** Rows with many exact duplicates, so ties straddle the k-th place. */
function data(rows: number, cols: number, seed: number): Float64Array {
  const rng = new RandomState(seed);
  const out = new Float64Array(rows * cols).map(() => Math.round(rng.random() * 4) / 4);
  for (let i = 0; i < rows; i += 3) out.copyWithin(i * cols, 0, cols); // every third row equals row 0
  return out;
}

describe("sklearnKneighbors", () => {
  const X = { data: data(200, 8, 1), rows: 200, cols: 8 };
  const Q = { data: data(30, 8, 2), rows: 30, cols: 8 };
  for (const metric of KNN_METRICS)
    for (const [name, kernel] of [
      ["float32 JS", candidatesFromScores(jsKernel)],
      ["search's native scores", candidatesFromScores(blockingScoreBlock)],
      ["native candidates", nativeCandidates()],
    ] as const)
      it(`${name} candidates give the float64 result bit for bit (${metric})`, () => {
        const rows = prepareNeighborRows(X, metric);
        const exact = sklearnKneighbors(Q, rows, 5);
        const fast = sklearnKneighbors(Q, rows, 5, kernel);
        assert.deepEqual(fast.indices.data, exact.indices.data);
        assert.deepEqual(fast.distances.data, exact.distances.data);
      });

  for (const metric of KNN_METRICS)
    it(`float32 candidates on continuous data (near-ties only) give the float64 result bit for bit (${metric})`, () => {
      const rng = new RandomState(5);
      const X2 = { data: new Float64Array(400 * 24).map(() => rng.random() - 0.5), rows: 400, cols: 24 };
      const Q2 = { data: new Float64Array(50 * 24).map(() => rng.random() - 0.5), rows: 50, cols: 24 };
      const rows = prepareNeighborRows(X2, metric);
      for (const k of [1, 7, 40]) {
        const exact = sklearnKneighbors(Q2, rows, k);
        const fast = sklearnKneighbors(Q2, rows, k, candidatesFromScores(jsKernel));
        assert.deepEqual(fast.indices.data, exact.indices.data);
        assert.deepEqual(fast.distances.data, exact.distances.data);
      }
    });

  it("ranks equal distances by lower training row", () => {
    const rows = prepareNeighborRows(
      { data: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0]), rows: 4, cols: 2 },
      "l2",
    );
    const got = sklearnKneighbors({ data: new Float64Array([0, 0]), rows: 1, cols: 2 }, rows, 4);
    assert.deepEqual([...got.indices.data], [1, 3, 0, 2]);
    assert.deepEqual([...got.distances.data], [0, 0, 1, 1]);
  });
});

describe("TopK", () => {
  it("keeps the k lowest scores, lower row first on ties, and pads empty slots", () => {
    const top = new TopK(2, 3);
    top.offer({
      queryStart: 0,
      queryCount: 2,
      rowStart: 0,
      rowCount: 2,
      scores: new Float32Array([2, 1, 5, 5]),
    });
    top.offer({ queryStart: 0, queryCount: 1, rowStart: 2, rowCount: 2, scores: new Float32Array([1, 0]) });
    const scores = [
      [2, 1, 1, 0],
      [5, 5],
    ];
    const got = top.finish((row, q) => scores[q][row], new Float64Array(6));
    assert.deepEqual([...got.indices], [3, 1, 2, 0, 1, -1]);
    assert.deepEqual([...got.distances], [0, 1, 1, 5, 5, Infinity]);
  });
});
