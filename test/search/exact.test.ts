import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { ExactIndex, exactSearch, type DistanceBlock } from "../../src/search/exact.js";
import { METRICS } from "../../src/search/validate.js";
import { naiveDistance, naiveKnn, randomMatrix } from "./helpers.js";

function assertMatches(
  got: { indices: Int32Array; distances: Float32Array; k: number },
  want: { index: number; distance: number }[][],
): void {
  want.forEach((hits, q) =>
    hits.forEach((h, j) => {
      assert.equal(got.indices[q * got.k + j], h.index, `query ${q} rank ${j}`);
      assert.ok(Math.abs(got.distances[q * got.k + j] - h.distance) < 1e-4, `query ${q} rank ${j} distance`);
    }),
  );
}

describe("ExactIndex.search", () => {
  const dim = 24;
  const data = randomMatrix(300, dim, 1);
  const queries = randomMatrix(7, dim, 2);

  for (const metric of METRICS)
    it(`matches a double-precision reference (${metric})`, async () => {
      const got = await ExactIndex.create({ dim, data }, metric).search({ dim, data: queries }, 6);
      assert.equal(got.k, 6);
      assert.equal(got.indices.length, 7 * 6);
      assertMatches(got, naiveKnn(data, queries, dim, 6, metric));
    });

  it("merges blocks across query and row block edges", async () => {
    const d = 4;
    const big = randomMatrix(17000, d, 3);
    const q = randomMatrix(1030, d, 4);
    const got = await ExactIndex.create({ dim: d, data: big }, "l2").search({ dim: d, data: q }, 3);
    for (const qi of [0, 1023, 1024, 1029]) {
      const want = naiveKnn(big, q.subarray(qi * d, (qi + 1) * d), d, 3, "l2")[0];
      want.forEach((h, j) => assert.equal(got.indices[qi * 3 + j], h.index, `query ${qi} rank ${j}`));
    }
  });

  it("pads with -1 and Infinity when k exceeds the rows", async () => {
    const got = await exactSearch({ dim, data: data.subarray(0, 3 * dim) }, queries.subarray(0, dim), 5);
    assert.deepEqual([...got.indices.subarray(3)], [-1, -1]);
    assert.deepEqual([...got.distances.subarray(3)], [Infinity, Infinity]);
    assert.deepEqual([...got.indices.subarray(0, 3)].sort(), [0, 1, 2]);
  });

  it("ranks equal distances by lower row", async () => {
    const rows = new Float32Array([0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 3, 0]); // rows 1 and 3 equal, 0 and 4 too
    const got = await exactSearch({ dim: 2, data: rows }, new Float32Array([1, 0]), 6, { metric: "l2" });
    assert.deepEqual([...got.indices], [1, 3, 0, 4, 5, 2]);
  });

  it("leaves out the query's own row and its group", async () => {
    const index = ExactIndex.create({ dim, data }, "cosine");
    const own = await index.search({ dim, data: data.subarray(0, 4 * dim) }, 3, {
      exclude: { rowGroups: Int32Array.from({ length: 300 }, (_, i) => i), queryGroups: [0, 1, 2, 3] },
    });
    assertMatches(
      own,
      naiveKnn(data, data.subarray(0, 4 * dim), dim, 3, "cosine", (q, r) => q === r),
    );
    const groupOf = (r: number) => Math.floor(r / 10);
    const grouped = await index.search({ dim, data: data.subarray(0, 4 * dim) }, 5, {
      exclude: {
        rowGroups: Int32Array.from({ length: 300 }, (_, i) => groupOf(i)),
        queryGroups: [0, 0, 0, 0],
      },
    });
    assertMatches(
      grouped,
      naiveKnn(data, data.subarray(0, 4 * dim), dim, 5, "cosine", (_, r) => groupOf(r) === 0),
    );
  });

  it("puts a zero vector at cosine distance 1 from everything", async () => {
    const rows = new Float32Array([0, 0, 3, 4]);
    const got = await exactSearch({ dim: 2, data: rows }, new Float32Array([1, 0]), 2);
    assert.deepEqual([...got.indices], [1, 0]);
    assert.ok(Math.abs(got.distances[0] - 0.4) < 1e-6);
    assert.equal(got.distances[1], 1);
  });

  it("rejects bad arguments with exact messages", async () => {
    const index = ExactIndex.create({ dim: 768, data: new Float32Array(768 * 2) });
    await assert.rejects(index.search(new Float32Array(768), 0), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive integer for k but received 0 of type number",
    });
    await assert.rejects(index.search(new Float32Array(768), 1.5), {
      message: "Expected positive integer for k but received 1.5 of type number",
    });
    await assert.rejects(index.search(new Float32Array(512), 3), {
      code: "E_SHAPE",
      message: "Query has 512 dimensions, but the index has 768",
    });
    await assert.rejects(index.search({ dim: 768, data: new Float32Array(1000) }, 3), {
      code: "E_SHAPE",
      message: "Query data has 1000 values, which is not a multiple of 768 dimensions",
    });
    await assert.rejects(
      index.search(new Float32Array(768), 3, { exclude: { rowGroups: [1], queryGroups: [1] } }),
      {
        code: "E_SHAPE",
        message:
          "exclude has 1 row groups and 1 query groups, but the index has 2 rows and there are 1 queries",
      },
    );
    assert.throws(
      () => ExactIndex.create({ dim: 2, data: new Float32Array(2) }, "dot" as "l2"),
      (e: unknown) => {
        assert.ok(e instanceof VidmaeError);
        assert.equal(e.code, "E_INVALID_ARGUMENT");
        assert.equal(e.message, 'Expected one of: cosine, l2 for metric but received "dot" of type string');
        return true;
      },
    );
  });
});

describe("ExactIndex.forEachDistanceBlock", () => {
  it("visits true distances, only the upper triangle when asked", async () => {
    const dim = 5;
    const data = randomMatrix(40, dim, 9);
    const index = ExactIndex.create({ dim, data }, "l2");
    const blocks: DistanceBlock[] = [];
    await index.forEachDistanceBlock({ dim, data }, (b) => blocks.push(b), { upperTriangle: true });
    assert.equal(blocks.length, 1);
    const b = blocks[0];
    assert.ok(Math.abs(b.distances[3 * 40 + 7] - naiveDistance(data, 3, data, 7, dim, "l2")) < 1e-5);
    assert.ok(b.distances[2 * 40 + 2] < 1e-3);
  });
});
