/**
 * Embeddings as Parquet, written with hyparquet-writer (pure JavaScript, no native build, one dependency): one row
 * per vector with columns id, path, label, clip, crop, start, end and `vector` as a standard three-level
 * list<float32>, which pyarrow and pandas read as a list column.
 */
import { ParquetWriter, fileWriter } from "hyparquet-writer";
import { wrapError } from "../errors.js";
import type { LoadedVectors } from "./vectors.js";

/** Rows per row group: bounds the per-group JS arrays (the list encoder wants plain arrays) to ~ROW_GROUP × dim. */
const ROW_GROUP = 8192;

const optional = "OPTIONAL" as const;
const required = "REQUIRED" as const;

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

const SCHEMA: SchemaElement[] = [
  { name: "root", num_children: 8 },
  { name: "id", type: "INT64", repetition_type: required },
  { name: "path", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: required },
  { name: "label", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: optional },
  { name: "clip", type: "INT32", repetition_type: optional },
  { name: "crop", type: "INT32", repetition_type: optional },
  { name: "start", type: "DOUBLE", repetition_type: optional },
  { name: "end", type: "DOUBLE", repetition_type: optional },
  {
    name: "vector",
    repetition_type: required,
    converted_type: "LIST",
    logical_type: { type: "LIST" },
    num_children: 1,
  },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "FLOAT", repetition_type: required },
];

/**
 * Writes loaded vectors as a Parquet file (snappy-compressed row groups of {@link ROW_GROUP} rows).
 *
 * @throws VidmaeError E_IO when the file cannot be written
 * @example
 * writeEmbeddingsParquet("out/embeddings.parquet", await store.loadVectors(space.id, { level: "clip" }));
 * // pandas.read_parquet("out/embeddings.parquet").vector[0] -> array of 768 float32
 */
export function writeEmbeddingsParquet(path: string, vectors: LoadedVectors): void {
  const { dim, data, rows } = vectors;
  try {
    const writer = new ParquetWriter({ writer: fileWriter(path), schema: SCHEMA, createdBy: "vidmae" });
    for (let first = 0; first < rows.length; first += ROW_GROUP) {
      const group = rows.slice(first, first + ROW_GROUP);
      writer.write({
        rowGroupSize: group.length,
        columnData: [
          { name: "id", data: group.map((r) => BigInt(r.videoId)) },
          { name: "path", data: group.map((r) => r.path) },
          { name: "label", data: group.map((r) => r.label) },
          { name: "clip", data: group.map((r) => r.clipIndex ?? null) },
          { name: "crop", data: group.map((r) => r.crop ?? null) },
          { name: "start", data: group.map((r) => r.startSec ?? null) },
          { name: "end", data: group.map((r) => r.endSec ?? null) },
          {
            name: "vector",
            data: group.map((_, k) => Array.from(data.subarray((first + k) * dim, (first + k + 1) * dim))),
          },
        ],
      });
    }
    writer.finish();
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot write ${path}`);
  }
}
