/**
 * UMAP maps through umap-js (PAIR-code), whose every random draw goes through the `random` function it is given:
 * here a numpy-compatible Mersenne Twister seeded with the map's seed, so a seed fixes the layout.
 */
import { UMAP } from "umap-js";
import { VidmaeError } from "../errors.js";
import { toArray, type DenseMatrix } from "../numeric/matrix.js";
import { RandomState } from "../numeric/random-state.js";
import type { FitContext, FittedMap, Point } from "./fitted.js";

/** umap-js's (and umap-learn's) default neighbourhood size. */
const NEIGHBOURS = 15;

/**
 * UMAP with min(15, n − 1) neighbours and umap-js's defaults otherwise, on the full vectors.
 * `place` runs umap-js's `transform` with the generator re-seeded, so placing is repeatable too.
 *
 * @example
 * const { points, place } = fitUmap({ data, rows: n, cols: dim }, { seed: 0, labels });
 */
export function fitUmap(X: DenseMatrix<Float32Array>, { seed, onProgress }: FitContext): FittedMap {
  let rng = new RandomState(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(NEIGHBOURS, X.rows - 1),
    random: () => rng.random(),
  });
  // What `umap.fit` does (initializeFit, then every epoch), an epoch at a time so progress can be reported.
  const epochs = umap.initializeFit(toArray(X));
  for (let epoch = 0; epoch < epochs;) {
    epoch = umap.step();
    onProgress?.(epoch, epochs);
  }
  const points = umap.getEmbedding().map((p) => [p[0], p[1]] as Point);
  if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y)))
    throw new VidmaeError("E_DATA", "UMAP diverged (non-finite coordinates); try --method pca or tsne");
  const place = async (Y: DenseMatrix<Float32Array>): Promise<Point[]> => {
    if (Y.rows === 0) return [];
    rng = new RandomState(seed);
    return umap.transform(toArray(Y)).map((p) => [p[0], p[1]] as Point);
  };
  return { points, place };
}
