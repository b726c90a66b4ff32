/**
 * Similarity-search benchmark: exact search against the HNSW index on synthetic clustered 768-d vectors —
 * queries/s of each, recall@10 of the index against exact search, and the index's build time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnnIndex, type AnnOptions } from "../src/search/ann.js";
import { ExactIndex } from "../src/search/exact.js";

const DIM = 768;
const QUERIES = 1000;
const K = 10;
const SPACE = { spaceKey: "bench", dim: DIM, metric: "cosine" } as const;
/** Points per native `add` call: the index grows incrementally, as it does when videos are added. */
const ADD_BLOCK = 50_000;
/** Directions each cluster varies along: real embeddings have a low intrinsic dimension, not 768. */
const CLUSTER_RANK = 16;

/** xorshift32: fast seeded uniforms in [-1, 1), enough for synthetic data. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2147483648 - 1;
  };
}

/**
 * `n` points around `clusters` centres, each centre + a random combination of its cluster's
 * {@link CLUSTER_RANK} directions + small isotropic noise; filled into `out` (row-major `[n, DIM]`).
 */
function clustered(out: Float32Array, n: number, clusters: number, seed: number): void {
  const next = uniforms(seed);
  const centres = Float32Array.from({ length: clusters * DIM }, next);
  const bases = Float32Array.from({ length: clusters * CLUSTER_RANK * DIM }, () => 0.25 * next());
  const z = new Float32Array(CLUSTER_RANK);
  for (let i = 0; i < n; i++) {
    const c = (i * 2654435761) % clusters; // spread clusters over the rows, like videos added in any order
    const row = out.subarray(i * DIM, (i + 1) * DIM);
    for (let j = 0; j < DIM; j++) row[j] = centres[c * DIM + j] + 0.05 * next();
    for (let r = 0; r < CLUSTER_RANK; r++) z[r] = next();
    for (let r = 0; r < CLUSTER_RANK; r++) {
      const b = (c * CLUSTER_RANK + r) * DIM;
      const zr = z[r];
      for (let j = 0; j < DIM; j++) row[j] += zr * bases[b + j];
    }
  }
}

/**
 * An index setup to measure: HNSW options — `expansionSearch` may list several values, searched by reloading the
 * built index with each (it is a search-time setting) — and `oversample` to re-rank that many candidates per
 * neighbour by the float32 vectors.
 */
export type AnnBenchConfig = Omit<AnnOptions, "expansionSearch"> & {
  expansionSearch?: number | number[];
  oversample?: number;
};

/** Figures of one index setup at one size. */
export interface AnnBenchRow {
  config: AnnOptions & { oversample?: number };
  build_s: number;
  qps: number;
  recall_at_10: number;
  /** ANN queries/s over exact queries/s. */
  speedup: number;
}

/** Figures of one size. */
export interface SearchBenchRow {
  n: number;
  generate_s: number;
  exact_qps: number;
  ann: AnnBenchRow[];
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function benchSize(n: number, configs: AnnBenchConfig[]): Promise<SearchBenchRow> {
  let t0 = performance.now();
  // Queries are the last QUERIES points: from the same clusters, but not in the index.
  const all = new Float32Array((n + QUERIES) * DIM);
  clustered(all, n + QUERIES, Math.max(10, Math.round(n / 1000)), 1);
  const vectors = { dim: DIM, data: all.subarray(0, n * DIM) };
  const queries = { dim: DIM, data: all.subarray(n * DIM) };
  const generateS = seconds(t0);

  t0 = performance.now();
  const exact = await ExactIndex.create(vectors, "cosine").search(queries, K);
  const exactS = seconds(t0);

  const ann: AnnBenchRow[] = [];
  const dir = await mkdtemp(join(tmpdir(), "vidmae-bench-"));
  try {
    for (const { oversample, expansionSearch, ...options } of configs) {
      t0 = performance.now();
      const built = AnnIndex.create(SPACE, options);
      for (let start = 0; start < n; start += ADD_BLOCK) {
        const end = Math.min(n, start + ADD_BLOCK);
        built.add(
          Array.from({ length: end - start }, (_, i) => start + i),
          { dim: DIM, data: vectors.data.subarray(start * DIM, end * DIM) },
        );
      }
      const buildS = seconds(t0);
      const path = join(dir, "index.usearch");
      await built.save(path);
      const rerank = oversample ? { vectors, rowOf: (key: number) => key, oversample } : undefined;
      for (const ef of [expansionSearch ?? built.info.expansionSearch].flat()) {
        const index = await AnnIndex.load(path, SPACE, { expansionSearch: ef });
        index.search(queries.data.subarray(0, DIM), K, { rerank }); // warm-up
        t0 = performance.now();
        const approx = index.search(queries, K, { rerank });
        const annS = seconds(t0);
        let hits = 0;
        for (let q = 0; q < QUERIES; q++) {
          const truth = new Set(exact.indices.subarray(q * K, (q + 1) * K));
          for (let j = 0; j < K; j++) if (truth.has(approx.indices[q * K + j])) hits++;
        }
        ann.push({
          config: {
            connectivity: built.info.connectivity,
            expansionAdd: built.info.expansionAdd,
            quantization: built.info.quantization,
            expansionSearch: ef,
            oversample,
          },
          build_s: buildS,
          qps: QUERIES / annS,
          recall_at_10: hits / (QUERIES * K),
          speedup: exactS / annS,
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { n, generate_s: generateS, exact_qps: QUERIES / exactS, ann };
}

/** The setup `npm run bench` measures: the index defaults. */
const DEFAULT_CONFIGS: AnnBenchConfig[] = [{}];

/**
 * Runs the benchmark at each size (default 100k and 1M vectors; 1M needs ~7 GB of memory) for each index
 * setup (default: the {@link AnnIndex} defaults).
 *
 * @example
 * const figures = await benchSearch({ sizes: [100_000], configs: [{}, { quantization: "i8", oversample: 4 }] });
 */
export async function benchSearch(
  opts: { sizes?: number[]; configs?: AnnBenchConfig[] } = {},
): Promise<Record<string, unknown>> {
  const rows: SearchBenchRow[] = [];
  for (const n of opts.sizes ?? [100_000, 1_000_000])
    rows.push(await benchSize(n, opts.configs ?? DEFAULT_CONFIGS));
  return { dim: DIM, queries: QUERIES, k: K, sizes: rows };
}
