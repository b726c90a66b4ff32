/**
 * What the map fitters (PCA/LDA, t-SNE, UMAP) share with the projection that calls them: points, the fit context
 * and the fitted map's shape. Kept apart from project.ts so the fitters never import the module that imports them.
 */
import type { DenseMatrix } from "../numeric/matrix.js";

/**
 * A point of the map: x, y.
 *
 * @example
 * const [x, y]: Point = projection.points[0];
 */
export type Point = [number, number];

/**
 * What each method's fitter gets: the vectors, the seed and the labels.
 *
 * @example
 * const context: FitContext = { seed: 0, labels: ["cat", null] };
 */
export interface FitContext {
  seed: number;
  labels: readonly (string | null)[];
  /** Iterations done and their number, after each step of an iterative layout (t-SNE, UMAP). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What each method's fitter returns: the training points and how to place new rows.
 *
 * @example
 * const { points } = fitPca(X, context);
 */
export interface FittedMap {
  points: Point[];
  place(X: DenseMatrix<Float32Array>): Promise<Point[]>;
}

/**
 * The first two columns of a projection as points.
 *
 * @example
 * toPoints({ data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 }); // [[1, 2], [3, 4]]
 */
export function toPoints(m: DenseMatrix): Point[] {
  return Array.from({ length: m.rows }, (_, i) => [m.data[i * m.cols], m.data[i * m.cols + 1]] as Point);
}
