import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readNpy } from "../../src/io/npy.js";
import { VidmaeError } from "../../src/errors.js";
import { csvField, exportEmbeddings, type ExportFormat } from "../../src/store/export.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { VectorLevel } from "../../src/store/types.js";
import { SPEC, embeddings, tempDir, videoFile } from "./helpers.js";

/** RFC 4180 parser, written for the test: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  return rows;
}

const AWKWARD = 'say "hi", then\nleave';

/** Every path of video 1 (a copy at a second path, labelled otherwise) and of video 2, as exported. */
const PATHS_1 = JSON.stringify([
  { path: "videos/1.mp4", label: AWKWARD },
  { path: "copy/1.mp4", label: "copy" },
]);
const PATHS_2 = JSON.stringify([{ path: "dir, with comma/2.mp4", label: null }]);

/** Three videos: one labelled awkwardly (with a copy), one unlabelled, one failed (not exported). */
async function fixtureStore() {
  const store = await SqliteStore.open(":memory:");
  const space = await store.ensureSpace(SPEC);
  const [, a, b, c] = await store.upsertVideos([
    videoFile(1, { path: "copy/1.mp4", label: "copy" }),
    videoFile(1, { label: AWKWARD }),
    videoFile(2, { path: "dir, with comma/2.mp4" }),
    videoFile(3, { label: "x" }),
  ]);
  await store.saveEmbeddings(space.id, [embeddings(a.id, SPEC.dim), embeddings(b.id, SPEC.dim)]);
  await store.saveFailure(space.id, c.id, { code: "E_VIDEO", message: "broken" });
  return { store, space };
}

async function exportTo(format: ExportFormat, level: VectorLevel) {
  const { store, space } = await fixtureStore();
  const outDir = join(tempDir(), "out", format);
  const result = await exportEmbeddings(store, { spaceId: space.id, level, format, outDir });
  const loaded = await store.loadVectors(space.id, { level });
  return { result, loaded, outDir };
}

describe("exportEmbeddings", () => {
  it("writes embeddings.npy and an index.csv that parse back", async () => {
    const { result, loaded, outDir } = await exportTo("npy", "clip");
    assert.deepEqual(result, {
      rows: 4,
      dim: 4,
      files: [join(outDir, "embeddings.npy"), join(outDir, "index.csv")],
    });
    const npy = readNpy(result.files[0]);
    assert.equal(npy.dtype, "<f4");
    assert.deepEqual(npy.shape, [4, 4]);
    assert.deepEqual(npy.data, loaded.data);
    assert.deepEqual(parseCsv(readFileSync(result.files[1], "utf8")), [
      ["row", "id", "path", "label", "clip", "crop", "start", "end", "paths"],
      ["0", "1", "videos/1.mp4", AWKWARD, "0", "0", "0", "0.25", PATHS_1],
      ["1", "1", "videos/1.mp4", AWKWARD, "1", "0", "0.5", "0.75", PATHS_1],
      ["2", "2", "dir, with comma/2.mp4", "", "0", "0", "0", "0.25", PATHS_2],
      ["3", "2", "dir, with comma/2.mp4", "", "1", "0", "0.5", "0.75", PATHS_2],
    ]);
  });

  it("leaves the clip columns empty at video level", async () => {
    const { result } = await exportTo("npy", "video");
    assert.deepEqual(parseCsv(readFileSync(result.files[1], "utf8")).slice(1), [
      ["0", "1", "videos/1.mp4", AWKWARD, "", "", "", "", PATHS_1],
      ["1", "2", "dir, with comma/2.mp4", "", "", "", "", "", PATHS_2],
    ]);
  });

  it("writes one JSON object per row with its vector", async () => {
    const { result, loaded } = await exportTo("jsonl", "clip");
    const lines = readFileSync(result.files[2], "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    assert.deepEqual(
      { ...lines[1], vector: undefined },
      {
        row: 1,
        id: 1,
        path: "videos/1.mp4",
        label: AWKWARD,
        paths: JSON.parse(PATHS_1),
        clip: 1,
        crop: 0,
        start: 0.5,
        end: 0.75,
        vector: undefined,
      },
    );
    assert.deepEqual(Float32Array.from(lines.flatMap((l) => l.vector)), loaded.data);
  });

  it("rejects an unknown format", async () => {
    const { store, space } = await fixtureStore();
    await assert.rejects(
      exportEmbeddings(store, {
        spaceId: space.id,
        level: "video",
        format: "csv" as ExportFormat,
        outDir: tempDir(),
      }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_INVALID_ARGUMENT" &&
        e.message === 'Expected one of: npy, jsonl, parquet for format but received "csv" of type string',
    );
  });
});

describe("csvField", () => {
  it("quotes only when needed", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
    assert.equal(csvField("line\r\nbreak"), '"line\r\nbreak"');
    assert.equal(csvField(null), "");
    assert.equal(csvField(1.5), "1.5");
  });
});

describe("exportEmbeddings onProgress", () => {
  for (const format of ["npy", "jsonl", "parquet"] as const) {
    it(`${format}: counts rows once per file written, increasing to rows x files`, async () => {
      const { store, space } = await fixtureStore();
      const calls: [number, number][] = [];
      const result = await exportEmbeddings(store, {
        spaceId: space.id,
        level: "clip",
        format,
        outDir: join(tempDir(), "progress", format),
        onProgress: (done, total) => calls.push([done, total]),
      });
      const total = result.rows * result.files.length;
      assert.ok(calls.length >= result.files.length, JSON.stringify(calls));
      assert.ok(calls.every(([done, t], i) => t === total && (i === 0 || done > calls[i - 1][0])));
      assert.deepEqual(calls.at(-1), [total, total]);
    });
  }
});
