import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TSNE } from "@saehrimnir/druidjs";
import { UMAP } from "umap-js";
import { RandomState } from "../../src/numeric/random-state.js";
import { LinearDiscriminantAnalysis } from "../../src/classify/discriminant/lda.js";
import { PCA } from "../../src/classify/decomposition/pca.js";
import { VidmaeError } from "../../src/errors.js";
import { MAP_METHODS, projectEmbeddings, type Point } from "../../src/map/project.js";
import { clusteredVectors, rowOf } from "./helpers.js";

const matrix = (v: { dim: number; data: Float32Array; rows: unknown[] }) => ({
  data: v.data,
  rows: v.rows.length,
  cols: v.dim,
});

function assertClose(actual: Point[], expected: Point[], tol = 1e-9): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((p, i) => {
    assert.ok(Math.abs(p[0] - expected[i][0]) <= tol && Math.abs(p[1] - expected[i][1]) <= tol, `point ${i}`);
  });
}

const vectors = clusteredVectors({ n: 36, dim: 12, classes: ["a", "b", "c"] });

describe("projectEmbeddings", () => {
  for (const method of MAP_METHODS) {
    test(`${method}: one finite 2-D point per row, rows kept in order`, () => {
      const map = projectEmbeddings(vectors, { method, seed: 0 });
      assert.equal(map.method, method);
      assert.equal(map.points.length, 36);
      assert.ok(map.points.every((p) => p.length === 2 && p.every(Number.isFinite)));
      assert.deepEqual(map.rows, vectors.rows);
      assert.equal(map.model.dim, 12);
    });
  }

  for (const method of ["tsne", "umap"] as const) {
    test(`${method}: the same seed gives identical coordinates, another seed others`, () => {
      const a = projectEmbeddings(vectors, { method, seed: 3 });
      const b = projectEmbeddings(vectors, { method, seed: 3 });
      const c = projectEmbeddings(vectors, { method, seed: 4 });
      assert.deepEqual(a.points, b.points);
      assert.notDeepEqual(a.points, c.points);
    });

    test(`${method}: keeps the clusters apart`, () => {
      const { points } = projectEmbeddings(vectors, { method, seed: 0 });
      // Each point's nearest other point on the map has its class.
      points.forEach((p, i) => {
        let best = -1;
        let bestD = Infinity;
        points.forEach((q, j) => {
          const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
          if (j !== i && d < bestD) [best, bestD] = [j, d];
        });
        assert.equal(vectors.rows[best].label, vectors.rows[i].label, `point ${i}`);
      });
    });
  }

  test("pca: equals PCA(nComponents: 2).fitTransform from src/classify", () => {
    const expected = new PCA({ nComponents: 2 }).fit(matrix(vectors)).transform(matrix(vectors));
    const { points } = projectEmbeddings(vectors, { method: "pca" });
    assert.deepEqual(
      points,
      vectors.rows.map((_, i) => [expected.data[2 * i], expected.data[2 * i + 1]]),
    );
  });

  test("lda: equals LinearDiscriminantAnalysis.transform with three or more classes", () => {
    const X = matrix(vectors);
    const expected = new LinearDiscriminantAnalysis()
      .fit(
        X,
        vectors.rows.map((r) => r.label!),
      )
      .transform(X);
    const { points } = projectEmbeddings(vectors, { method: "lda" });
    assert.deepEqual(
      points,
      vectors.rows.map((_, i) => [expected.data[2 * i], expected.data[2 * i + 1]]),
    );
  });

  test("lda: with two classes x is the discriminant axis and y still spreads the points", () => {
    const two = clusteredVectors({ n: 20, dim: 6, classes: ["a", "b"] });
    const X = matrix(two);
    const axis = new LinearDiscriminantAnalysis()
      .fit(
        X,
        two.rows.map((r) => r.label!),
      )
      .transform(X);
    assert.equal(axis.cols, 1);
    const { points } = projectEmbeddings(two, { method: "lda" });
    assert.deepEqual(
      points.map((p) => p[0]),
      Array.from(axis.data),
    );
    const ys = points.map((p) => p[1]);
    assert.ok(Math.max(...ys) - Math.min(...ys) > 0.5);
  });

  test("lda: fits on the labelled rows and projects the unlabelled ones too", () => {
    const mixed = clusteredVectors({ n: 40, dim: 8, classes: ["a", "b", "c", null] });
    const labelled = mixed.rows.flatMap((r, i) => (r.label === null ? [] : [i]));
    const sub = {
      data: Float32Array.from(labelled.flatMap((i) => Array.from(rowOf(mixed, i)))),
      rows: labelled.length,
      cols: 8,
    };
    const lda = new LinearDiscriminantAnalysis().fit(
      sub,
      labelled.map((i) => mixed.rows[i].label!),
    );
    const expected = lda.transform(matrix(mixed));
    const { points } = projectEmbeddings(mixed, { method: "lda" });
    assertClose(
      points,
      mixed.rows.map((_, i) => [expected.data[2 * i], expected.data[2 * i + 1]]),
    );
  });

  test("lda: the labels option replaces the rows' labels", () => {
    const unlabelled = { ...vectors, rows: vectors.rows.map((r) => ({ ...r, label: null })) };
    const labels = vectors.rows.map((r) => r.label);
    assert.deepEqual(
      projectEmbeddings(unlabelled, { method: "lda", labels }).points,
      projectEmbeddings(vectors, { method: "lda" }).points,
    );
  });

  test("lda: a clear error without two labelled classes", () => {
    const none = { ...vectors, rows: vectors.rows.map((r) => ({ ...r, label: null })) };
    assert.throws(
      () => projectEmbeddings(none, { method: "lda" }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_DATA" &&
        e.message ===
          "an LDA map needs vectors labelled with at least 2 classes, but 0 of 36 vectors are labelled, with 0 classes; " +
            "label videos when embedding (--labels-from-dirs or --labels) or use --method pca",
    );
    const one = { ...vectors, rows: vectors.rows.map((r, i) => ({ ...r, label: i < 5 ? "a" : null })) };
    assert.throws(
      () => projectEmbeddings(one, { method: "lda" }),
      /but 5 of 36 vectors are labelled, with 1 class;/,
    );
  });

  test("too few rows, a bad seed, an unknown method and a bad shape are refused", () => {
    const three = clusteredVectors({ n: 3, dim: 4, classes: ["a"] });
    assert.throws(
      () => projectEmbeddings(three, { method: "tsne" }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_DATA" &&
        e.message === "a tsne map needs at least 4 vectors, but there are 3",
    );
    assert.throws(
      () => projectEmbeddings(vectors, { method: "umap", seed: -1 }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.message === "Expected integer in [0, 4294967295] for seed but received -1 of type number",
    );
    assert.throws(
      () => projectEmbeddings(vectors, { method: "mds" as "pca" }),
      /^VidmaeError: Expected one of: pca, lda, tsne, umap for method but received "mds" of type string$/,
    );
    assert.throws(
      () => projectEmbeddings({ ...vectors, dim: 5 }, { method: "pca" }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_SHAPE" &&
        e.message === "vectors hold 432 values, expected 36 rows × 5",
    );
  });

  const wide = clusteredVectors({ n: 20, dim: 128, classes: ["a", "b", "c"], seed: 1 });

  test("tsne and umap map fewer vectors than dimensions (20 × 128), the usual case for real collections", () => {
    for (const method of ["tsne", "umap"] as const)
      assert.ok(projectEmbeddings(wide, { method }).points.every((p) => p.every(Number.isFinite)));
  });

  test("pca and lda map fewer vectors than dimensions (20 × 128)", () => {
    for (const method of ["pca", "lda"] as const)
      assert.ok(projectEmbeddings(wide, { method }).points.every((p) => p.every(Number.isFinite)));
  });
});

describe("MapModel.place", () => {
  test("pca and lda place new vectors by their transform", async () => {
    for (const method of ["pca", "lda"] as const) {
      const map = projectEmbeddings(vectors, { method });
      assertClose(await map.model.place({ dim: 12, data: vectors.data }), map.points);
      assertClose(await map.model.place(rowOf(vectors, 5)), [map.points[5]]);
    }
  });

  test("tsne places a stored vector on its own point and a new one among its neighbours", async () => {
    const map = projectEmbeddings(vectors, { method: "tsne", seed: 0 });
    assertClose(await map.model.place(rowOf(vectors, 7)), [map.points[7]], 1e-6);
    // Halfway between two rows of class "a" (rows 0 and 3) lands inside class a's cloud.
    const mid = rowOf(vectors, 0).map((v, j) => (v + rowOf(vectors, 3)[j]) / 2);
    const [[x, y]] = await map.model.place(mid);
    const own = map.points.filter((_, i) => i % 3 === 0);
    const xs = own.map((p) => p[0]);
    const ys = own.map((p) => p[1]);
    assert.ok(x >= Math.min(...xs) && x <= Math.max(...xs) && y >= Math.min(...ys) && y <= Math.max(...ys));
  });

  test("umap places repeatably, near the vector's class", async () => {
    const map = projectEmbeddings(vectors, { method: "umap", seed: 0 });
    const first = await map.model.place(rowOf(vectors, 4));
    assert.deepEqual(await map.model.place(rowOf(vectors, 4)), first);
    const [[x, y]] = first;
    const nearest = map.points
      .map((p, i) => ({ i, d: (p[0] - x) ** 2 + (p[1] - y) ** 2 }))
      .sort((a, b) => a.d - b.d)[0];
    assert.equal(vectors.rows[nearest.i].label, vectors.rows[4].label);
  });

  test("vectors of another dimension are refused", async () => {
    const map = projectEmbeddings(vectors, { method: "pca" });
    await assert.rejects(
      async () => map.model.place(new Float32Array(5)),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_SHAPE" &&
        e.message === "vectors to place must have 12 dimensions, like the map's, but have 5 (5 values)",
    );
  });
});

describe("projectEmbeddings onProgress", () => {
  for (const [method, total] of [
    ["tsne", 1000],
    ["umap", null],
  ] as const) {
    test(`${method}: one report per iteration, increasing to the total`, () => {
      const calls: [number, number][] = [];
      projectEmbeddings(vectors, { method, seed: 3, onProgress: (done, all) => calls.push([done, all]) });
      const all = calls[0][1];
      if (total !== null) assert.equal(all, total);
      assert.deepEqual(
        calls,
        Array.from({ length: all }, (_, i) => [i + 1, all]),
      );
    });
  }

  test("stepping the layouts for progress gives the libraries' own fit results", () => {
    const n = vectors.rows.length;
    const rows = Array.from({ length: n }, (_, i) =>
      Float64Array.from(vectors.data.subarray(i * vectors.dim, (i + 1) * vectors.dim)),
    );
    const tsne = new TSNE(rows, { perplexity: Math.min(30, (n - 1) / 3), d: 2, seed: 3 }).transform(1000);
    assertClose(
      projectEmbeddings(vectors, { method: "tsne", seed: 3 }).points,
      tsne.map((p) => [p[0], p[1]] as Point),
      0,
    );
    const rng = new RandomState(3);
    const umap = new UMAP({ nComponents: 2, nNeighbors: 15, random: () => rng.random() });
    assertClose(
      projectEmbeddings(vectors, { method: "umap", seed: 3 }).points,
      umap.fit(rows.map((r) => Array.from(r))).map((p) => [p[0], p[1]] as Point),
      0,
    );
  });
});
