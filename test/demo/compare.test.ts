import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RandomState } from "../../src/numeric/random-state.js";
import { compareMethods, demoMethods, formatDemoTable } from "../../src/demo/compare.js";

/** `n` points per class around well-separated class centres in `dim` dimensions. */
function blobs(classes: number, n: number, dim: number, seed: number): { X: number[][]; y: string[] } {
  const rng = new RandomState(seed);
  const X: number[][] = [];
  const y: string[] = [];
  for (let c = 0; c < classes; c++)
    for (let i = 0; i < n; i++) {
      X.push(Array.from({ length: dim }, (_, j) => (j % classes === c ? 5 : 0) + 0.3 * (rng.random() - 0.5)));
      y.push(`class-${c}`);
    }
  return { X, y };
}

describe("compareMethods", () => {
  test("scores the four methods on the same split, each on its own features", () => {
    const embeddings = blobs(3, 10, 12, 1);
    const pixels = blobs(3, 10, 40, 2);
    const test = [0, 1, 10, 11, 20, 21];
    const fold = { train: [...Array(30).keys()].filter((i) => !test.includes(i)), test };
    const rows = compareMethods({ embeddings: embeddings.X, pixels: pixels.X }, embeddings.y, fold);
    assert.deepEqual(
      rows.map((r) => [r.method, r.features, r.input_dims, r.dims]),
      [
        ["standard-scaler,logistic-regression(max_iter=1000)", "embeddings", 12, 12],
        ["k-neighbors(n_neighbors=3,metric=cosine)", "embeddings", 12, 12],
        ["pca(n_components=16,whiten=true),logistic-regression(max_iter=1000)", "pixels", 40, 16],
        ["lda", "pixels", 40, 2],
      ],
    );
    // Separable classes: every method gets every test video right.
    for (const r of rows) assert.deepEqual([r.method, r.accuracy, r.macro_f1], [r.method, 1, 1]);
  });

  test("onProgress counts the methods fitted, up to their number", () => {
    const { X, y } = blobs(3, 10, 12, 1);
    const test = [0, 10, 20];
    const fold = { train: [...Array(30).keys()].filter((i) => !test.includes(i)), test };
    const calls: [number, number][] = [];
    compareMethods({ embeddings: X, pixels: X }, y, fold, (done, total) => calls.push([done, total]));
    assert.deepEqual(calls, [
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  test("caps PCA at the training rows and the pixel dimension", () => {
    assert.equal(
      demoMethods(768, 512, 7, 10)[2].spec,
      "pca(n_components=10,whiten=true),logistic-regression(max_iter=1000)",
    );
    assert.equal(demoMethods(768, 8, 7, 100)[2].dims, 8);
    assert.equal(demoMethods(768, 512, 7, 100)[3].dims, 6);
  });
});

test("formatDemoTable aligns one row per method", () => {
  const text = formatDemoTable([
    { method: "lda", features: "pixels", input_dims: 512, dims: 6, accuracy: 0.5, macro_f1: 0.4567 },
    {
      method: "standard-scaler,logistic-regression",
      features: "embeddings",
      input_dims: 768,
      dims: 768,
      accuracy: 1,
      macro_f1: 1,
    },
  ]);
  assert.equal(
    text,
    "method                               features    input dims  dims  accuracy  macro F1\n" +
      "lda                                  pixels             512     6     0.500     0.457\n" +
      "standard-scaler,logistic-regression  embeddings         768   768     1.000     1.000\n",
  );
});
