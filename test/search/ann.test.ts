import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AnnIndex, annIndexPath, keyVideoId, updateAnnIndex, vectorKey } from "../../src/search/ann.js";
import type { LoadedVectors } from "../../src/store/types.js";
import { ExactIndex } from "../../src/search/exact.js";
import { tempDir } from "../helpers/temp.js";
import { clusteredMatrix, randomMatrix } from "./helpers.js";

const dim = 32;
const data = clusteredMatrix(40, 50, dim, 0.3, 11); // 2000 rows
const n = data.length / dim;
const queries = { dim, data: clusteredMatrix(40, 2, dim, 0.3, 11).subarray(0, 60 * dim) };
const keys = Array.from({ length: n }, (_, i) => 1000 + i);
const space = { spaceKey: "space-a", dim, metric: "cosine" as const };

function recall(approx: Float64Array, exact: Int32Array, k: number): number {
  let hits = 0;
  for (let q = 0; q < exact.length / k; q++) {
    const truth = new Set([...exact.subarray(q * k, (q + 1) * k)].map((r) => keys[r]));
    for (let j = 0; j < k; j++) if (truth.has(approx[q * k + j])) hits++;
  }
  return hits / exact.length;
}

describe("AnnIndex", () => {
  const dir = tempDir("vidmae-ann-");

  for (const metric of ["cosine", "l2"] as const)
    it(`reaches recall@10 ≥ 0.95 against exact search (${metric})`, async () => {
      const index = AnnIndex.create({ ...space, metric });
      index.add(keys, { dim, data });
      assert.equal(index.size, n);
      const exact = await ExactIndex.create({ dim, data }, metric).search(queries, 10);
      const approx = index.search(queries, 10);
      assert.ok(recall(approx.indices, exact.indices, 10) >= 0.95);
      // Distances are in the exact search's units (l2: Euclidean, not squared).
      assert.ok(Math.abs(approx.distances[0] - exact.distances[0]) < 1e-3);
    });

  it("re-ranks quantized candidates by the float32 vectors", async () => {
    const index = AnnIndex.create(space, { quantization: "i8" });
    index.add(keys, { dim, data });
    const exact = await ExactIndex.create({ dim, data }, "cosine").search(queries, 10);
    const approx = index.search(queries, 10, {
      rerank: { vectors: { dim, data }, rowOf: (key) => key - 1000 },
    });
    assert.ok(recall(approx.indices, exact.indices, 10) >= 0.95);
    for (let j = 0; j < 10; j++)
      if (approx.indices[j] === keys[exact.indices[j]])
        assert.ok(Math.abs(approx.distances[j] - exact.distances[j]) < 1e-6);
    assert.throws(
      () => index.search(queries, 10, { rerank: { vectors: { dim: 8, data }, rowOf: (key) => key } }),
      { code: "E_SHAPE", message: "Re-rank vectors have 8 dimensions, but the index has 32" },
    );
  });

  it("saves beside the store and loads back the same answers", async () => {
    const index = AnnIndex.create(space, { connectivity: 8 });
    index.add(keys, { dim, data });
    const path = annIndexPath(join(dir, "embeddings.db"), "3f1c09ab77e2d4c5", "video");
    assert.equal(path, join(dir, "embeddings.db.3f1c09ab77e2.video.usearch"));
    await index.save(path);
    const sidecar = JSON.parse(await readFile(`${path}.json`, "utf8"));
    assert.deepEqual(sidecar, {
      format: "vidmae-ann",
      version: 1,
      connectivity: 8,
      expansionAdd: 128,
      expansionSearch: 192,
      quantization: "f16",
      spaceKey: "space-a",
      dim,
      metric: "cosine",
      count: n,
    });
    const loaded = await AnnIndex.load(path, space, { expansionSearch: 256 });
    assert.equal(loaded.size, n);
    assert.equal(loaded.info.expansionSearch, 256);
    assert.deepEqual(loaded.search(queries, 5).indices, index.search(queries, 5).indices);
  });

  it("refuses an index built for another space, dimension or metric", async () => {
    const path = join(dir, "other.usearch");
    const index = AnnIndex.create(space);
    index.add(keys.slice(0, 10), { dim, data: data.subarray(0, 10 * dim) });
    await index.save(path);
    await assert.rejects(AnnIndex.load(path, { spaceKey: "space-b", dim: 768, metric: "l2" }), {
      code: "E_STORE",
      message:
        `Index ${path} was built for space space-a (32 dimensions, cosine), ` +
        "not space space-b (768 dimensions, l2); rebuild it",
    });
    await assert.rejects(AnnIndex.load(join(dir, "missing.usearch"), space), { code: "E_IO" });
    const sidecar = JSON.parse(await readFile(`${path}.json`, "utf8"));
    await writeFile(`${path}.json`, JSON.stringify({ ...sidecar, count: 11 }));
    await assert.rejects(AnnIndex.load(path, space), {
      code: "E_STORE",
      message: `Index ${path} holds 10 vectors but its sidecar records 11 (an interrupted save?); rebuild it`,
    });
  });

  it("grows incrementally and adds only missing keys", () => {
    const half = n / 2;
    const index = AnnIndex.create(space);
    index.add(keys.slice(0, half), { dim, data: data.subarray(0, half * dim) });
    assert.equal(index.addMissing(keys, { dim, data }), n - half);
    assert.equal(index.addMissing(keys, { dim, data }), 0);
    assert.equal(index.size, n);
    assert.ok(index.has(keys[n - 1]));
    const own = index.search(data.subarray((n - 1) * dim), 1);
    assert.equal(own.indices[0], keys[n - 1]);
    assert.throws(() => index.add([keys[0]], { dim, data: data.subarray(0, dim) }), { code: "E_STORE" });
  });

  it("keeps the index beside the store up to date", async () => {
    const db = join(dir, "update.db");
    const videos = (count: number): LoadedVectors => ({
      dim,
      data: data.subarray(0, count * dim),
      rows: Array.from({ length: count }, (_, i) => ({ videoId: i + 1, path: `v${i + 1}.mp4`, label: null })),
    });
    const first = await updateAnnIndex(db, space, videos(100));
    assert.equal(first.added, 100);
    assert.equal(first.path, annIndexPath(db, "space-a", "video"));
    assert.equal((await updateAnnIndex(db, space, videos(100))).added, 0);
    const grown = await updateAnnIndex(db, space, videos(150));
    assert.equal(grown.added, 50);
    assert.equal((await AnnIndex.load(grown.path, space)).size, 150);
    await assert.rejects(updateAnnIndex(db, { ...space, metric: "l2" }, videos(150)), { code: "E_STORE" });
  });

  it("pads missing neighbours and rejects bad arguments", () => {
    const index = AnnIndex.create({ spaceKey: "s", dim: 768 });
    assert.deepEqual(index.search(new Float32Array(768), 2), {
      indices: new Float64Array([-1, -1]),
      distances: new Float32Array([Infinity, Infinity]),
      k: 2,
    });
    assert.throws(() => index.search(new Float32Array(512), 2), {
      code: "E_SHAPE",
      message: "Query has 512 dimensions, but the index has 768",
    });
    assert.throws(() => index.search(new Float32Array(768), 0), {
      message: "Expected positive integer for k but received 0 of type number",
    });
    assert.throws(() => index.add([-1], { dim: 768, data: randomMatrix(1, 768, 1) }), {
      message: "Expected non-negative integer for keys[0] but received -1 of type number",
    });
    assert.throws(() => AnnIndex.create({ spaceKey: "s", dim: 4, metric: "ip" as "l2" }), {
      message: 'Expected one of: cosine, l2 for metric but received "ip" of type string',
    });
  });

  it("keys rows stably by video, clip and crop", () => {
    assert.equal(vectorKey({ videoId: 3, path: "a.mp4", label: null }), 3);
    const key = vectorKey({ videoId: 3, path: "a.mp4", label: null, clipIndex: 2, crop: 1 });
    assert.equal(key, 3 * 2 ** 20 + 9);
    assert.equal(keyVideoId(key, "clip"), 3);
    assert.equal(keyVideoId(3, "video"), 3);
  });
});
