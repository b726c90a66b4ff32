/**
 * The row-major matrix every numeric kernel, estimator and file format shares, and its two helpers. Ground floor:
 * it imports nothing of vidmae's.
 */

/**
 * A row-major matrix: `data[i * cols + j]` is row `i`, column `j`. Estimators accept float32 or float64 and
 * return float64 (they compute in float64, as sklearn does).
 *
 * @example
 * const X: DenseMatrix = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2 };
 */
export interface DenseMatrix<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  data: T;
  rows: number;
  cols: number;
}

/**
 * Any accepted feature matrix: one array per sample, or a {@link DenseMatrix}.
 *
 * @example
 * const X: Matrix = [[5.1, 3.5], [4.9, 3.0]];
 */
export type Matrix = readonly (readonly number[])[] | DenseMatrix;

/**
 * Allocates a zero-filled float64 matrix.
 *
 * @example
 * const out = zeros(2, 3); // out.data.length === 6
 */
export function zeros(rows: number, cols: number): DenseMatrix<Float64Array> {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/**
 * Copies a dense matrix into one plain array per row.
 *
 * @example
 * toArray(zeros(1, 2)); // [[0, 0]]
 */
export function toArray(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
