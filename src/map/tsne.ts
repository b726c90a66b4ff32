/**
 * t-SNE maps through druidjs (`@saehrimnir/druidjs`): the best-kept JavaScript t-SNE on npm (released through
 * 2026, typed, seeded by its own Mersenne Twister from a `seed` parameter, a WASM kernel for the O(n²) step
 * whose results equal its JS path), where tsne-js and @keckelt/tsne are unmaintained forks of tsnejs that draw
 * from `Math.random`.
 */
import { TSNE } from "@saehrimnir/druidjs";
import { VidmaeError } from "../errors.js";
import type { DenseMatrix } from "../numeric/matrix.js";
import { exactSearch } from "../search/exact.js";
import type { FitContext, FittedMap, Point } from "./fitted.js";

/** Gradient steps: scikit-learn's default `max_iter`. */
const ITERATIONS = 1000;
/** Stored neighbours whose map positions place a new vector. */
const PLACE_NEIGHBOURS = 5;

/**
 * Exact t-SNE (early exaggeration for 100 steps, then 900 more) with perplexity min(30, (n − 1) / 3), on the
 * full vectors: O(n²) per step, so a few thousand points is its practical limit. New vectors land at the
 * inverse-distance-weighted mean of their 5 nearest stored vectors' points (t-SNE has no mapping for unseen data).
 *
 * @example
 * const { points, place } = fitTsne({ data, rows: n, cols: dim }, { seed: 0, labels });
 */
export function fitTsne(X: DenseMatrix<Float32Array>, { seed, onProgress }: FitContext): FittedMap {
  const perplexity = Math.min(30, (X.rows - 1) / 3);
  const rows = Array.from({ length: X.rows }, (_, i) =>
    Float64Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)),
  );
  // The generator runs the same steps as `transform`, one per yield, so progress can be reported between them.
  let layout: Float64Array[] = [];
  let done = 0;
  for (const projection of new TSNE(rows, { perplexity, d: 2, seed }).generator(ITERATIONS)) {
    layout = projection;
    onProgress?.(++done, ITERATIONS);
  }
  const points = layout.map((p) => [p[0], p[1]] as Point);
  if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y)))
    throw new VidmaeError("E_DATA", "t-SNE diverged (non-finite coordinates); try --method pca or umap");

  const place = async (Y: DenseMatrix<Float32Array>): Promise<Point[]> => {
    const k = Math.min(PLACE_NEIGHBOURS, X.rows);
    const { indices, distances } = await exactSearch(
      { dim: X.cols, data: X.data },
      { dim: Y.cols, data: Y.data },
      k,
      { metric: "l2" },
    );
    return Array.from({ length: Y.rows }, (_, q) => {
      let wx = 0;
      let wy = 0;
      let total = 0;
      for (let j = q * k; j < (q + 1) * k; j++) {
        // A vector equal to a stored one gets (almost) all the weight: it lands on that point.
        const w = 1 / Math.max(distances[j], 1e-12);
        wx += w * points[indices[j]][0];
        wy += w * points[indices[j]][1];
        total += w;
      }
      return [wx / total, wy / total] as Point;
    });
  };
  return { points, place };
}
