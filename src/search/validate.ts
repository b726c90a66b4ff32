/**
 * Argument checks shared by the exact and approximate searches, so both reject the same inputs with the same
 * sentences.
 */
import { VidmaeError, invalidParameterError } from "../errors.js";
import { KNN_METRICS, type KnnMetric } from "../numeric/knn-scores.js";
import type { LoadedVectors, VectorLevel } from "../store/types.js";

/** Distance metrics: `cosine` (1 − cosine similarity, in [0, 2]) and `l2` (Euclidean distance). */
export const METRICS = KNN_METRICS;

/**
 * One of {@link METRICS}: the k-NN engine's metrics.
 *
 * @example
 * const metric: Metric = "cosine";
 */
export type Metric = KnnMetric;

/**
 * A row-major `[rows, dim]` float32 matrix; {@link import("../store/types.js").LoadedVectors} is one.
 *
 * @example
 * const m: Matrix = { dim: 2, data: new Float32Array([1, 0, 0, 1]) }; // two rows
 */
export interface Matrix {
  dim: number;
  data: Float32Array;
}

/**
 * Query vectors: one vector as a bare Float32Array (its length is its dimension), or a `[q, dim]` matrix.
 *
 * @example
 * const one: Queries = vector; const many: Queries = { dim: 768, data: rows };
 */
export type Queries = Float32Array | Matrix;

/**
 * Returns `metric` if it is one of {@link METRICS}, else throws.
 *
 * @example
 * checkMetric("dot"); // throws "Expected one of: cosine, l2 for metric but received "dot" of type string"
 */
export function checkMetric(metric: unknown): Metric {
  if (!METRICS.includes(metric as Metric))
    throw invalidParameterError("metric", `one of: ${METRICS.join(", ")}`, metric);
  return metric as Metric;
}

/**
 * Returns `value` if it is a positive integer, else throws naming `name`.
 *
 * @example
 * checkPositiveInt(0, "k"); // throws "Expected positive integer for k but received 0 of type number"
 */
export function checkPositiveInt(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw invalidParameterError(name, "positive integer", value);
  return value;
}

/**
 * Checks that `data` holds whole rows of `dim` values and returns the row count.
 *
 * @param what - names the matrix in the message (`Index data`, `Query data`)
 * @example
 * rowCount(new Float32Array(1536), 768, "Index data"); // 2
 */
export function rowCount(data: Float32Array, dim: number, what: string): number {
  checkPositiveInt(dim, "dim");
  if (data.length % dim !== 0)
    throw new VidmaeError(
      "E_SHAPE",
      `${what} has ${data.length} values, which is not a multiple of ${dim} dimensions`,
    );
  return data.length / dim;
}

/**
 * Normalises {@link Queries} against an index of `dim` dimensions: the flat data and the query count.
 *
 * @example
 * queryMatrix(new Float32Array(512), 768); // throws "Query has 512 dimensions, but the index has 768"
 */
export function queryMatrix(queries: Queries, dim: number): { data: Float32Array; count: number } {
  const { data, dim: queryDim } =
    queries instanceof Float32Array ? { data: queries, dim: queries.length } : queries;
  if (queryDim !== dim)
    throw new VidmaeError("E_SHAPE", `Query has ${queryDim} dimensions, but the index has ${dim}`);
  return { data, count: rowCount(data, dim, "Query data") };
}

/**
 * The level of loaded vectors: `clip` when the rows carry clip fields, else `video`.
 *
 * @example
 * vectorLevel(await store.loadVectors(space.id, { level: "clip" })); // "clip"
 */
export function vectorLevel(vectors: LoadedVectors): VectorLevel {
  return vectors.rows[0]?.clipIndex === undefined ? "video" : "clip";
}
