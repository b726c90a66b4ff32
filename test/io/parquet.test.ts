import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import { writeEmbeddingsParquet } from "../../src/io/parquet.js";
import type { LoadedVectors } from "../../src/store/types.js";
import { tempDir } from "../store/helpers.js";

describe("writeEmbeddingsParquet", () => {
  it("writes the index columns and a list<float32> vector column that read back", async () => {
    const dim = 3;
    const n = 10_000; // more than one row group
    const data = Float32Array.from({ length: n * dim }, (_, i) => Math.fround(i / 7 - 100));
    const rows = Array.from({ length: n }, (_, i) => ({
      videoId: 1 + (i >> 1),
      path: `v/${i >> 1}.mp4`,
      label: i % 3 === 0 ? null : `label ${i % 3}`,
      clipIndex: i & 1,
      crop: 0,
      startSec: (i & 1) * 1.5,
      endSec: (i & 1) * 1.5 + 1,
    }));
    const vectors: LoadedVectors = { dim, data, rows };
    const path = join(tempDir(), "e.parquet");
    writeEmbeddingsParquet(path, vectors);

    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    assert.equal(Number(metadata.num_rows), n);
    assert.ok(metadata.row_groups.length > 1);
    const vector = parquetSchema(metadata).children.find((c) => c.element.name === "vector")!;
    assert.equal(vector.element.logical_type?.type, "LIST");
    assert.equal(vector.children[0].children[0].element.type, "FLOAT");

    const read = await parquetReadObjects({ file });
    assert.equal(read.length, n);
    assert.deepEqual(read[5], {
      id: 3n,
      path: "v/2.mp4",
      label: "label 2",
      clip: 1,
      crop: 0,
      start: 1.5,
      end: 2.5,
      vector: Array.from(data.subarray(15, 18)),
    });
    assert.equal(read[0].label, null);
    assert.deepEqual(Float32Array.from(read.flatMap((r) => r.vector as number[])), data);
  });

  it("writes nulls for the clip columns of video-level rows", async () => {
    const path = join(tempDir(), "v.parquet");
    writeEmbeddingsParquet(path, {
      dim: 2,
      data: new Float32Array([1, 2]),
      rows: [{ videoId: 1, path: "a.mp4", label: "a" }],
    });
    const read = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
    assert.deepEqual(read, [
      { id: 1n, path: "a.mp4", label: "a", clip: null, crop: null, start: null, end: null, vector: [1, 2] },
    ]);
  });
});
