/**
 * Approximate nearest-neighbour index for large sets: usearch's HNSW graph, saved beside the store as
 * `<db>.usearch` with a JSON sidecar recording the embedding space, dimension, metric and size it was built for,
 * so an index never answers for vectors of another space.
 */
import { existsSync } from "node:fs";
import type * as Usearch from "usearch";
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import { lazyRequire } from "../native.js";
import { readFile, rename, writeFile } from "node:fs/promises";
import type { LoadedVectors, VectorLevel, VectorRow } from "../store/types.js";
import type { Neighbors } from "./exact.js";
import { pairDistance } from "./scores.js";
import {
  checkMetric,
  checkPositiveInt,
  queryMatrix,
  rowCount,
  type Matrix,
  type Metric,
  type Queries,
  vectorLevel,
} from "./validate.js";

/**
 * HNSW parameters. `connectivity` (M, 16): graph edges per vector — more raises recall and memory.
 * `expansionAdd` (efConstruction, 128): candidates kept while inserting — more builds slower and better.
 * `expansionSearch` (ef, 192): candidates kept while searching — the recall/speed dial. `quantization` (`f16`):
 * storage type of the indexed vectors. On 1M clustered 768-d vectors (bench/search.ts), f16 at ef 128 / 192 /
 * 256 gave recall@10 0.96 / 0.98 / 0.98 at 43× / 33× / 29× exact search's queries/s, so 192 keeps a margin above
 * 0.95; f16 matched f32's recall at half the memory and a faster build. `i8` quarters memory but caps recall
 * near 0.95 unless searches re-rank (see {@link Rerank}).
 *
 * @example
 * const options: AnnOptions = { connectivity: 32, expansionSearch: 256 };
 */
export interface AnnOptions {
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  quantization?: "f32" | "f16" | "i8";
}

/**
 * What an index was built for, as its sidecar records it.
 *
 * @example
 * const meta: AnnMeta = { format: "vidmae-ann", version: 1, spaceKey: "3f1c…", metric: "cosine", dim: 768,
 *   count: 1200, connectivity: 16, expansionAdd: 128, expansionSearch: 192, quantization: "f16" };
 */
export interface AnnMeta extends Required<AnnOptions> {
  format: "vidmae-ann";
  version: 1;
  /** {@link import("../space/spec.js").EmbeddingSpace.key} of the vectors. */
  spaceKey: string;
  metric: Metric;
  dim: number;
  count: number;
}

/** What a caller expects an index to hold; {@link AnnIndex.load} refuses anything else. */
export interface AnnSpace {
  spaceKey: string;
  dim: number;
  metric: Metric;
}

/**
 * Full-precision vectors for {@link AnnIndex.search} to re-rank candidates with: `rowOf` maps a key to its row
 * of `vectors` (undefined drops the candidate); `oversample` (4) is the candidates fetched per neighbour wanted.
 *
 * @example
 * const rerank: Rerank = { vectors, rowOf: (key) => key }; // keys are row positions
 */
export interface Rerank {
  vectors: Matrix;
  rowOf: (key: number) => number | undefined;
  oversample?: number;
}

const DEFAULTS: Required<AnnOptions> = {
  connectivity: 16,
  expansionAdd: 128,
  expansionSearch: 192,
  quantization: "f16",
};
const QUANTIZATIONS: readonly string[] = ["f32", "f16", "i8"];

/**
 * usearch, through its CommonJS build (see `native.ts`): its ES module looks for its native build at import time
 * from a global `__dirname` when one exists (e.g. under `node -e`) and climbs `..` until it crashes.
 */
const usearch = lazyRequire<typeof Usearch>("usearch");

/**
 * Where the index of one space and level of the store at `dbPath` lives, beside the store:
 * `<db>.<first 12 characters of the space key>.<level>.usearch`, its sidecar at the same path plus `.json`.
 * Each space and level gets its own file, as their keys and vectors never mix.
 *
 * @example
 * annIndexPath("embeddings.db", space.key, "video"); // "embeddings.db.3f1c09ab77e2.video.usearch"
 */
export function annIndexPath(dbPath: string, spaceKey: string, level: VectorLevel): string {
  return `${dbPath}.${spaceKey.slice(0, 12)}.${level}.usearch`;
}

/** Clip keys leave room for 2²⁰ clip-and-crop slots per video, and 2³³ videos, below 2⁵³. */
const CLIP_SLOTS = 2 ** 20;

/**
 * The index key of a row: the video id for a video vector; for a clip vector, the video id × 2²⁰ plus
 * clipIndex × 4 + crop, so keys stay stable as videos are added. {@link keyVideoId} inverts the video part.
 *
 * @example
 * vectorKey({ videoId: 3, path: "a.mp4", label: null }); // 3
 * vectorKey({ videoId: 3, path: "a.mp4", label: null, clipIndex: 2, crop: 1 }); // 3 * 2 ** 20 + 9
 */
export function vectorKey(row: VectorRow): number {
  if (row.clipIndex === undefined) return row.videoId;
  return row.videoId * CLIP_SLOTS + row.clipIndex * 4 + (row.crop ?? 0);
}

/**
 * The video id a key of {@link vectorKey} belongs to, at the given level.
 *
 * @example
 * keyVideoId(3 * 2 ** 20 + 9, "clip"); // 3
 */
export function keyVideoId(key: number, level: "video" | "clip"): number {
  return level === "video" ? key : Math.floor(key / CLIP_SLOTS);
}

function toKeys(keys: ArrayLike<number>, count: number): BigUint64Array {
  if (keys.length !== count) throw new VidmaeError("E_SHAPE", `Got ${keys.length} keys for ${count} vectors`);
  const out = new BigUint64Array(count);
  for (let i = 0; i < count; i++) {
    const key = keys[i];
    if (!Number.isSafeInteger(key) || key < 0)
      throw invalidParameterError(`keys[${i}]`, "non-negative integer", key);
    out[i] = BigInt(key);
  }
  return out;
}

/**
 * An HNSW index of vectors under integer keys (row ids, video ids, {@link vectorKey}).
 *
 * @example
 * const index = AnnIndex.create({ spaceKey: space.key, dim: 768, metric: "cosine" });
 * index.add(vectors.rows.map(vectorKey), vectors);
 * await index.save(annIndexPath("embeddings.db", space.key, "video"));
 * const { indices: keys, distances } = index.search(query, 10);
 */
export class AnnIndex {
  private constructor(
    private readonly native: Usearch.Index,
    private readonly meta: Omit<AnnMeta, "count">,
  ) {}

  /**
   * An empty index; `metric` defaults to cosine.
   *
   * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown metric or a non-positive parameter
   */
  static create(space: Omit<AnnSpace, "metric"> & { metric?: Metric }, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    checkPositiveInt(space.dim, "dim");
    checkPositiveInt(o.connectivity, "connectivity");
    checkPositiveInt(o.expansionAdd, "expansionAdd");
    checkPositiveInt(o.expansionSearch, "expansionSearch");
    if (!QUANTIZATIONS.includes(o.quantization))
      throw invalidParameterError("quantization", "one of: f32, f16, i8", o.quantization);
    const meta = {
      format: "vidmae-ann",
      version: 1,
      ...o,
      ...space,
      metric: checkMetric(space.metric ?? "cosine"),
    } as const;
    return new AnnIndex(AnnIndex.nativeIndex(meta), meta);
  }

  private static nativeIndex(meta: Omit<AnnMeta, "count">): Usearch.Index {
    const { Index, MetricKind, ScalarKind } = usearch();
    const metric = { cosine: MetricKind.Cos, l2: MetricKind.L2sq }[meta.metric];
    const quantization = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 }[meta.quantization];
    return new Index({
      dimensions: meta.dim,
      metric,
      quantization,
      connectivity: meta.connectivity,
      expansion_add: meta.expansionAdd,
      expansion_search: meta.expansionSearch,
      multi: false,
    });
  }

  /**
   * Opens an index saved by {@link save}, checking that it was built for `expected`'s space, dimension and
   * metric. `expansionSearch` may be changed at load (it is a search-time setting); the rest is the file's.
   *
   * @throws VidmaeError `E_IO` when a file cannot be read, `E_STORE` when the index is for another space,
   *   dimension or metric, or when the index and its sidecar disagree
   * @example
   * const path = annIndexPath(db, space.key, "video");
   * const index = await AnnIndex.load(path, { spaceKey: space.key, dim: 768, metric: "cosine" });
   */
  static async load(
    path: string,
    expected: AnnSpace,
    options: { expansionSearch?: number } = {},
  ): Promise<AnnIndex> {
    let meta: AnnMeta;
    try {
      meta = JSON.parse(await readFile(`${path}.json`, "utf8")) as AnnMeta;
    } catch (e) {
      throw wrapError(e, "E_IO", `Cannot read the sidecar of index ${path}`);
    }
    if (meta.format !== "vidmae-ann" || meta.version !== 1)
      throw new VidmaeError("E_STORE", `${path}.json is not a vidmae index sidecar (format version 1)`);
    if (meta.spaceKey !== expected.spaceKey || meta.dim !== expected.dim || meta.metric !== expected.metric)
      throw new VidmaeError(
        "E_STORE",
        `Index ${path} was built for space ${meta.spaceKey} (${meta.dim} dimensions, ${meta.metric}), ` +
          `not space ${expected.spaceKey} (${expected.dim} dimensions, ${expected.metric}); rebuild it`,
      );
    const { count, ...rest } = meta;
    const settings = {
      ...rest,
      expansionSearch: checkPositiveInt(options.expansionSearch ?? meta.expansionSearch, "expansionSearch"),
    };
    const native = AnnIndex.nativeIndex(settings);
    try {
      native.load(path);
    } catch (e) {
      throw wrapError(e, "E_IO", `Cannot read index ${path}`);
    }
    if (native.size() !== count)
      throw new VidmaeError(
        "E_STORE",
        `Index ${path} holds ${native.size()} vectors but its sidecar records ${count} (an interrupted save?); rebuild it`,
      );
    return new AnnIndex(native, settings);
  }

  /** Number of vectors indexed. */
  get size(): number {
    return this.native.size();
  }

  /** Vector length. */
  get dim(): number {
    return this.meta.dim;
  }

  /** The sidecar record: what the index was built for and with. */
  get info(): AnnMeta {
    return { ...this.meta, count: this.size };
  }

  /**
   * Adds `vectors` (one row per key), using all cores.
   *
   * @throws VidmaeError `E_SHAPE` on a dimension or key-count mismatch, `E_INVALID_ARGUMENT` for a negative or
   *   fractional key, `E_STORE` for a key already in the index
   */
  add(keys: ArrayLike<number>, vectors: Matrix): void {
    const { data, count } = queryMatrix(vectors, this.dim);
    if (count === 0) return;
    const big = toKeys(keys, count);
    try {
      this.native.add(big, data, 0);
    } catch (e) {
      throw wrapError(e, "E_STORE", `Cannot add ${count} vectors to the index`);
    }
  }

  /**
   * Adds the rows whose keys are not indexed yet and returns how many it added: the update after new videos
   * were embedded (`index.addMissing(rows.map(vectorKey), vectors)`). A key already present keeps its vector.
   *
   * @example
   * const added = index.addMissing(vectors.rows.map(vectorKey), vectors);
   */
  addMissing(keys: ArrayLike<number>, vectors: Matrix): number {
    const count = rowCount(vectors.data, vectors.dim, "Vector data");
    const big = toKeys(keys, count);
    const present = count === 0 ? [] : (this.native.contains(big) as boolean[]);
    const missing: number[] = [];
    for (let i = 0; i < count; i++) if (!present[i]) missing.push(i);
    if (missing.length === count) this.add(keys, vectors);
    else if (missing.length > 0) {
      const d = vectors.dim;
      const data = new Float32Array(missing.length * d);
      missing.forEach((row, i) => data.set(vectors.data.subarray(row * d, (row + 1) * d), i * d));
      this.add(
        missing.map((row) => keys[row]),
        { dim: d, data },
      );
    }
    return missing.length;
  }

  /** Whether `key` is indexed. */
  has(key: number): boolean {
    return this.native.contains(toKeys([key], 1)) as boolean;
  }

  /**
   * The (approximately) `k` nearest keys of each query, in the shape of exact search: keys in `indices`
   * (−1 where fewer were found), distances as the metric defines them (cosine: 1 − cos; l2: Euclidean).
   * With `rerank`, `k × oversample` candidates are fetched and ranked by their exact float32-vector distances:
   * this recovers most of what `i8` quantization loses, and makes the distances exact.
   *
   * @throws VidmaeError `E_INVALID_ARGUMENT` when k is not a positive integer, `E_SHAPE` on a dimension mismatch
   * @example
   * const { indices: keys } = index.search(query, 10, { rerank: { vectors, rowOf: (key) => rowOfKey.get(key) } });
   */
  search(queries: Queries, k: number, options: { rerank?: Rerank } = {}): Neighbors<Float64Array> {
    checkPositiveInt(k, "k");
    const { data, count } = queryMatrix(queries, this.dim);
    const { rerank } = options;
    if (rerank && rerank.vectors.dim !== this.dim)
      throw new VidmaeError(
        "E_SHAPE",
        `Re-rank vectors have ${rerank.vectors.dim} dimensions, but the index has ${this.dim}`,
      );
    const fetch = rerank ? k * checkPositiveInt(rerank.oversample ?? 4, "oversample") : k;
    const indices = new Float64Array(count * k).fill(-1);
    const distances = new Float32Array(count * k).fill(Infinity);
    if (count === 0 || this.size === 0) return { indices, distances, k };
    const { BatchMatches } = usearch();
    const result = this.native.search(data, fetch, 0) as Usearch.Matches | Usearch.BatchMatches;
    const { metric, dim } = this.meta;
    for (let q = 0; q < count; q++) {
      // One query comes back as Matches trimmed to what was found; several as BatchMatches padded to `fetch`.
      const found = result instanceof BatchMatches ? Number(result.counts[q]) : result.keys.length;
      const from = result instanceof BatchMatches ? q * fetch : 0;
      let hits: { key: number; distance: number }[] = [];
      for (let j = 0; j < found; j++) {
        const key = Number(result.keys[from + j]);
        if (!rerank) {
          const d = result.distances[from + j];
          hits.push({ key, distance: metric === "l2" ? Math.sqrt(Math.max(0, d)) : Math.max(0, d) });
          continue;
        }
        const row = rerank.rowOf(key);
        if (row !== undefined)
          hits.push({ key, distance: pairDistance(data, q, rerank.vectors.data, row, dim, metric) });
      }
      if (rerank) hits = hits.sort((a, b) => a.distance - b.distance || a.key - b.key).slice(0, k);
      hits.forEach((h, j) => {
        indices[q * k + j] = h.key;
        distances[q * k + j] = h.distance;
      });
    }
    return { indices, distances, k };
  }

  /**
   * Writes the index to `path` and its sidecar to `path.json`, each through a temporary file and a rename, so
   * a reader never sees half a file.
   *
   * @throws VidmaeError `E_IO` when a file cannot be written
   */
  async save(path: string): Promise<void> {
    try {
      this.native.save(`${path}.tmp`);
      await rename(`${path}.tmp`, path);
      await writeFile(`${path}.json.tmp`, `${JSON.stringify(this.info, null, 2)}\n`);
      await rename(`${path}.json.tmp`, `${path}.json`);
    } catch (e) {
      throw wrapError(e, "E_IO", `Cannot write index ${path}`);
    }
  }
}

/**
 * Brings the index beside the store up to date with `vectors` (all of one space and level, as
 * `store.loadVectors` returns them): opens it, or creates it on first use, adds the rows it lacks under
 * {@link vectorKey} keys, and saves it when anything was added.
 *
 * @throws VidmaeError `E_STORE` when the file there was built for another space, dimension or metric
 * @example
 * const vectors = await store.loadVectors(space.id, { level: "video" });
 * const { index, added } = await updateAnnIndex("embeddings.db", { spaceKey: space.key, dim: 768, metric: "cosine" }, vectors);
 */
export async function updateAnnIndex(
  dbPath: string,
  space: AnnSpace,
  vectors: LoadedVectors,
  options: AnnOptions = {},
): Promise<{ index: AnnIndex; added: number; path: string }> {
  const path = annIndexPath(dbPath, space.spaceKey, vectorLevel(vectors));
  const fresh = !existsSync(path);
  const index = fresh
    ? AnnIndex.create(space, options)
    : await AnnIndex.load(path, space, { expansionSearch: options.expansionSearch });
  const added = index.addMissing(vectors.rows.map(vectorKey), vectors);
  if (fresh || added > 0) await index.save(path);
  return { index, added, path };
}
