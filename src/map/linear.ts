/**
 * The linear maps, through the estimators in `src/classify`: PCA's first two axes, and LDA's discriminant axes
 * (with a second axis from PCA when two classes give LDA only one).
 */
import { VidmaeError } from "../errors.js";
import type { DenseMatrix } from "../numeric/matrix.js";
import { LinearDiscriminantAnalysis } from "../classify/discriminant/lda.js";
import { PCA } from "../classify/decomposition/pca.js";
import { toPoints, type FitContext, type FittedMap } from "./fitted.js";

/**
 * PCA onto the two leading principal axes.
 *
 * @example
 * fitPca({ data, rows: n, cols: dim }, { seed: 0, labels }).points; // n points
 */
export function fitPca(X: DenseMatrix<Float32Array>, _context: FitContext): FittedMap {
  const pca = new PCA({ nComponents: 2 }).fit(X);
  return { points: toPoints(pca.transform(X)), place: async (Y) => toPoints(pca.transform(Y)) };
}

/**
 * LDA fitted on the labelled rows; every row (labelled or not) is projected. With three or more classes the map
 * shows the two leading discriminant axes. Two classes give a single axis, so y is then the leading principal
 * axis of the data with the discriminant direction removed: the largest spread the discriminant does not show.
 *
 * @throws VidmaeError `E_DATA` when fewer than 2 classes are labelled
 * @example
 * fitLda({ data, rows: n, cols: dim }, { seed: 0, labels: ["cat", "dog", null, …] });
 */
export function fitLda(X: DenseMatrix<Float32Array>, { labels }: FitContext): FittedMap {
  const labelled: number[] = [];
  labels.forEach((label, i) => {
    if (label !== null) labelled.push(i);
  });
  const classes = new Set(labelled.map((i) => labels[i]));
  if (classes.size < 2)
    throw new VidmaeError(
      "E_DATA",
      `an LDA map needs vectors labelled with at least 2 classes, but ${labelled.length} of ${X.rows} ` +
        `vectors are labelled, with ${classes.size} class${classes.size === 1 ? "" : "es"}; ` +
        "label videos when embedding (--labels-from-dirs or --labels) or use --method pca",
    );
  const lda = new LinearDiscriminantAnalysis().fit(
    selectRows(X, labelled),
    labelled.map((i) => labels[i] as string),
  );
  if (Math.min(lda.maxComponents_!, lda.scalings_!.cols) >= 2) {
    return { points: toPoints(lda.transform(X)), place: async (Y) => toPoints(lda.transform(Y)) };
  }
  const axis = unitColumn(lda.scalings_!);
  const residual = new PCA({ nComponents: 1 }).fit(removeDirection(X, axis));
  const project = (Y: DenseMatrix): DenseMatrix => {
    const x = lda.transform(Y);
    const y = residual.transform(removeDirection(Y, axis));
    const out = new Float64Array(Y.rows * 2);
    for (let i = 0; i < Y.rows; i++) {
      out[2 * i] = x.data[i];
      out[2 * i + 1] = y.data[i];
    }
    return { data: out, rows: Y.rows, cols: 2 };
  };
  return { points: toPoints(project(X)), place: async (Y) => toPoints(project(Y)) };
}

function selectRows(X: DenseMatrix<Float32Array>, indices: readonly number[]): DenseMatrix<Float32Array> {
  const d = X.cols;
  const data = new Float32Array(indices.length * d);
  indices.forEach((r, i) => data.set(X.data.subarray(r * d, (r + 1) * d), i * d));
  return { data, rows: indices.length, cols: d };
}

/** The first column of a d × r matrix, scaled to unit length. */
function unitColumn(M: DenseMatrix<Float64Array>): Float64Array {
  const v = Float64Array.from({ length: M.rows }, (_, j) => M.data[j * M.cols]);
  let squares = 0;
  for (const x of v) squares += x * x;
  const norm = Math.sqrt(squares) || 1;
  return v.map((x) => x / norm);
}

/** Each row minus its component along the unit vector `u`. */
function removeDirection(X: DenseMatrix, u: Float64Array): DenseMatrix<Float64Array> {
  const { rows: n, cols: d } = X;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += X.data[i * d + j] * u[j];
    for (let j = 0; j < d; j++) out[i * d + j] = X.data[i * d + j] - dot * u[j];
  }
  return { data: out, rows: n, cols: d };
}
