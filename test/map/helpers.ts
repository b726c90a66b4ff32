/** Synthetic embeddings for the map tests: labelled Gaussian-ish clusters, seeded. */
import { RandomState } from "../../src/numeric/random-state.js";
import type { LoadedVectors } from "../../src/store/types.js";

/**
 * `n` vectors of `dim` values in clusters, row i in cluster i mod classes.length (null: unlabelled), each value
 * its cluster centre (uniform in [-3, 3]) plus uniform noise in [-1, 1]; paths `videos/<label>/<i>.mp4`.
 *
 * @example
 * const vectors = clusteredVectors({ n: 30, dim: 8, classes: ["a", "b", null] });
 */
export function clusteredVectors(options: {
  n: number;
  dim: number;
  classes: readonly (string | null)[];
  seed?: number;
}): LoadedVectors {
  const { n, dim, classes, seed = 0 } = options;
  const rng = new RandomState(seed);
  const centres = classes.map(() => Array.from({ length: dim }, () => rng.uniform(-3, 3)));
  const data = new Float32Array(n * dim);
  const rows = Array.from({ length: n }, (_, i) => {
    const c = i % classes.length;
    for (let j = 0; j < dim; j++) data[i * dim + j] = centres[c][j] + rng.uniform(-1, 1);
    const label = classes[c];
    return { videoId: i + 1, path: `videos/${label ?? "none"}/${i}.mp4`, label };
  });
  return { dim, data, rows };
}

/**
 * Row `i` of a vectors matrix.
 *
 * @example
 * const v = rowOf(vectors, 3); // Float32Array of vectors.dim values
 */
export function rowOf(vectors: LoadedVectors, i: number): Float32Array {
  return vectors.data.subarray(i * vectors.dim, (i + 1) * vectors.dim);
}
