import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NearestCentroid } from "../../src/classify/neighbors/nearest-centroid.js";
import { VidmaeError } from "../../src/errors.js";
import { buildMapData } from "../../src/map/map-data.js";
import { projectEmbeddings } from "../../src/map/project.js";
import type { LoadedVectors } from "../../src/store/types.js";
import { clusteredVectors, rowOf } from "./helpers.js";

/** Exact cosine distance, in double precision. */
function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return 1 - ab / Math.sqrt(aa * bb);
}

const vectors = clusteredVectors({ n: 24, dim: 8, classes: ["b", "a", null] });

describe("buildMapData", () => {
  test("points carry the projection, the row, the file name and the legend group", async () => {
    const { data, model } = await buildMapData(vectors, { method: "pca" });
    const { points } = projectEmbeddings(vectors, { method: "pca" });
    assert.equal(data.method, "pca");
    assert.equal(data.level, "video");
    assert.equal(data.colorBy, "label");
    assert.equal(data.dim, 8);
    assert.equal(model.method, "pca");
    assert.deepEqual(
      data.legend.map((e) => [e.name, e.count]),
      [
        ["a", 8],
        ["b", 8],
        ["(unlabelled)", 8],
      ],
    );
    const p = data.points[1];
    assert.equal(p.videoId, 2);
    assert.equal(p.path, "videos/a/1.mp4");
    assert.equal(p.name, "1.mp4");
    assert.equal(p.label, "a");
    assert.equal(p.predicted, null);
    assert.equal(p.group, 0);
    assert.equal(data.points[2].group, 2);
    data.points.forEach((q, i) => {
      assert.ok(Math.abs(q.x - points[i][0]) <= 1e-5 * Math.max(1, Math.abs(points[i][0])));
      assert.ok(Math.abs(q.y - points[i][1]) <= 1e-5 * Math.max(1, Math.abs(points[i][1])));
    });
    assert.deepEqual(data.thumbnails, {});
    JSON.parse(JSON.stringify(data)); // plain JSON
  });

  test("neighbours are the exact cosine k nearest other videos, nearest first", async () => {
    const { data } = await buildMapData(vectors, { method: "pca", neighbours: 4 });
    data.points.forEach((p, i) => {
      const expected = vectors.rows
        .map((_, j) => ({ j, d: cosine(rowOf(vectors, i), rowOf(vectors, j)) }))
        .filter(({ j }) => j !== i)
        .sort((a, b) => a.d - b.d)
        .slice(0, 4);
      assert.deepEqual(
        p.neighbours,
        expected.map((e) => e.j),
      );
      p.distances.forEach((d, n) => assert.ok(Math.abs(d - expected[n].d) < 1e-5));
    });
  });

  test("clip level: one point per clip, neighbours from other videos only", async () => {
    const base = clusteredVectors({ n: 12, dim: 6, classes: ["a", "b"] });
    const clips: LoadedVectors = {
      dim: 6,
      data: base.data,
      rows: base.rows.map((r, i) => ({
        ...r,
        videoId: Math.floor(i / 2) + 1,
        clipIndex: i % 2,
        crop: 0,
        startSec: (i % 2) * 2,
        endSec: (i % 2) * 2 + 2,
      })),
    };
    const { data } = await buildMapData(clips, { method: "pca", neighbours: 3 });
    assert.equal(data.level, "clip");
    assert.equal(data.points[1].clipIndex, 1);
    assert.equal(data.points[1].endSec, 4);
    data.points.forEach((p) =>
      p.neighbours.forEach((j) => assert.notEqual(data.points[j].videoId, p.videoId)),
    );
  });

  test("color predicted: points coloured by the classifier's classes", async () => {
    const X = { data: vectors.data, rows: 24, cols: 8 };
    const classifier = new NearestCentroid().fit(
      X,
      vectors.rows.map((r) => r.label ?? "none"),
    );
    const { data } = await buildMapData(vectors, { method: "pca", color: "predicted", classifier });
    assert.equal(data.colorBy, "predicted");
    assert.deepEqual(
      data.legend.map((e) => e.name),
      ["a", "b", "none"],
    );
    assert.deepEqual(
      data.points.map((p) => p.predicted),
      classifier.predict(X).map(String),
    );
    data.points.forEach((p) => assert.equal(data.legend[p.group].name, p.predicted));
  });

  test("a bad colouring or neighbour count is refused", async () => {
    await assert.rejects(
      buildMapData(vectors, { method: "pca", color: "size" as "label" }),
      /^VidmaeError: Expected one of: label, predicted for color but received "size" of type string$/,
    );
    await assert.rejects(
      buildMapData(vectors, { method: "pca", neighbours: 0 }),
      /^VidmaeError: Expected positive integer for neighbours but received 0 of type number$/,
    );
  });

  test("color predicted without a classifier is refused", async () => {
    await assert.rejects(
      buildMapData(vectors, { method: "pca", color: "predicted" }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_INVALID_ARGUMENT" &&
        e.message ===
          "Expected a trained classifier to colour by predicted class for classifier but received undefined",
    );
  });
});
