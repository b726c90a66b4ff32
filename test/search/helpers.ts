/** Seeded data and a naive double-precision reference for the search tests. */
import type { Metric } from "../../src/search/validate.js";

/** A seeded uniform generator in [0, 1) (mulberry32): tests need reproducible, not good, randomness. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows × dim` values uniform in [−1, 1). */
export function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: rows * dim }, () => 2 * next() - 1);
}

/**
 * `clusters` random centres with `perCluster` points each, spread `spread` around them: neighbours are mostly
 * in the same cluster, as with real embeddings.
 */
export function clusteredMatrix(
  clusters: number,
  perCluster: number,
  dim: number,
  spread: number,
  seed: number,
): Float32Array {
  const next = rng(seed);
  const centres = randomMatrix(clusters, dim, seed + 1);
  const out = new Float32Array(clusters * perCluster * dim);
  for (let c = 0; c < clusters; c++)
    for (let p = 0; p < perCluster; p++)
      for (let j = 0; j < dim; j++)
        out[(c * perCluster + p) * dim + j] = centres[c * dim + j] + spread * (2 * next() - 1);
  return out;
}

/** Distance between row `i` of `a` and row `j` of `b` in double precision. */
export function naiveDistance(
  a: Float32Array,
  i: number,
  b: Float32Array,
  j: number,
  dim: number,
  metric: Metric,
): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  for (let t = 0; t < dim; t++) {
    const x = a[i * dim + t];
    const y = b[j * dim + t];
    dot += x * y;
    na += x * x;
    nb += y * y;
    sq += (x - y) * (x - y);
  }
  if (metric === "l2") return Math.sqrt(sq);
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}

/** The exact k nearest rows of each query, by sorting every distance (ties: lower row first). */
export function naiveKnn(
  data: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: Metric,
  skip: (query: number, row: number) => boolean = () => false,
): { index: number; distance: number }[][] {
  const n = data.length / dim;
  const q = queries.length / dim;
  return Array.from({ length: q }, (_, i) =>
    Array.from({ length: n }, (_, r) => ({
      index: r,
      distance: naiveDistance(queries, i, data, r, dim, metric),
    }))
      .filter((h) => !skip(i, h.index))
      .sort((a, b) => a.distance - b.distance || a.index - b.index)
      .slice(0, k),
  );
}
