/**
 * Input and hyper-parameter checks shared by every estimator, with scikit-learn's messages so users of both
 * libraries meet the same sentences: arrays (shape, emptiness, NaN/Inf), targets (class discovery and order),
 * fitted state, feature counts, and one declarative parameter schema per estimator.
 */
import { NotFittedError, VidmaeError, invalidParameterError } from "../errors.js";
import type { Estimator, Label } from "./base.js";
import type { DenseMatrix, Matrix } from "../numeric/matrix.js";

function isDense(X: unknown): X is DenseMatrix {
  if (typeof X !== "object" || X === null || Array.isArray(X)) return false;
  const m = X as Partial<DenseMatrix>;
  return (m.data instanceof Float64Array || m.data instanceof Float32Array) && m.rows !== undefined;
}

/**
 * Converts a matrix to row-major float64 without checking its values (use {@link checkArray} for that).
 * A float64 dense matrix is returned as is (estimators never write into their input).
 *
 * @throws VidmaeError E_DATA when rows differ in length, a row is not an array, or `data` does not hold
 *   `rows * cols` values; E_INVALID_ARGUMENT when `X` is not a matrix at all.
 * @example
 * toDense([[1, 2], [3, 4]]); // { data: Float64Array [1, 2, 3, 4], rows: 2, cols: 2 }
 */
export function toDense(X: Matrix): DenseMatrix<Float64Array> {
  if (isDense(X)) {
    const { data, rows, cols } = X;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new VidmaeError(
        "E_DATA",
        `Expected non-negative integer rows and cols but received ${rows} × ${cols}.`,
      );
    }
    if (data.length !== rows * cols) {
      throw new VidmaeError(
        "E_DATA",
        `Input X has ${data.length} values but rows × cols = ${rows} × ${cols}.`,
      );
    }
    return { data: data instanceof Float64Array ? data : Float64Array.from(data), rows, cols };
  }
  if (!Array.isArray(X)) {
    throw invalidParameterError("X", "a number[][] or a dense matrix { data, rows, cols }", X);
  }
  const rows = X.length;
  if (rows > 0 && !Array.isArray(X[0])) {
    throw new VidmaeError(
      "E_DATA",
      "Expected 2D array, got 1D array instead. Reshape your data to one row per sample (number[][]).",
    );
  }
  const cols = rows > 0 ? X[0].length : 0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = X[i];
    if (!Array.isArray(row) || row.length !== cols) {
      const got = Array.isArray(row) ? `${row.length} values` : "no array";
      throw new VidmaeError(
        "E_DATA",
        `Input X is not rectangular: row ${i} has ${got} but row 0 has ${cols}.`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number") {
        throw new VidmaeError("E_DATA", `Input X holds a non-number at row ${i}, column ${j}: ${String(v)}.`);
      }
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols };
}

/** Throws sklearn's NaN / infinity message when `values` is not all finite. */
function assertAllFinite(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      // v - v is NaN for both NaN and ±Infinity, so one comparison guards the common all-finite path.
      if (Number.isNaN(v)) throw new VidmaeError("E_DATA", `Input ${name} contains NaN.`);
      throw new VidmaeError(
        "E_DATA",
        `Input ${name} contains infinity or a value too large for dtype('float64').`,
      );
    }
  }
}

/**
 * Validates a feature matrix the way sklearn's `check_array` does and returns it as row-major float64:
 * rectangular, at least one sample and one feature, every value finite.
 *
 * @param estimatorName - named in the "minimum of 1 is required by …" message
 * @param minSamples - fewest rows accepted (2 where a variance with ddof 1 is estimated)
 * @throws VidmaeError E_DATA ("Input X contains NaN.", "Found array with 0 sample(s) (shape=(0, 4)) while a
 *   minimum of 1 is required by PCA.", …)
 * @example
 * const X = checkArray([[1, 2], [3, 4]], "PCA"); // X.rows === 2, X.cols === 2
 */
export function checkArray(X: Matrix, estimatorName: string, minSamples = 1): DenseMatrix<Float64Array> {
  const dense = toDense(X);
  const shape = `(shape=(${dense.rows}, ${dense.cols}))`;
  if (dense.rows < minSamples) {
    throw new VidmaeError(
      "E_DATA",
      `Found array with ${dense.rows} sample(s) ${shape} while a minimum of ${minSamples} is required by ` +
        `${estimatorName}.`,
    );
  }
  if (dense.cols < 1) {
    throw new VidmaeError(
      "E_DATA",
      `Found array with 0 feature(s) ${shape} while a minimum of 1 is required by ${estimatorName}.`,
    );
  }
  assertAllFinite(dense.data, "X");
  return dense;
}

/**
 * Validates a matrix and its labels together: `X` as {@link checkArray}, `y` one string or finite number per row.
 *
 * @throws VidmaeError E_DATA ("Found input variables with inconsistent numbers of samples: [3, 2]",
 *   "Input y contains NaN.")
 * @example
 * const { X, y } = checkXy([[0], [1]], ["a", "b"], "LogisticRegression");
 */
export function checkXy(
  X: Matrix,
  y: ArrayLike<Label>,
  estimatorName: string,
): { X: DenseMatrix<Float64Array>; y: Label[] } {
  const dense = checkArray(X, estimatorName);
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw invalidParameterError("y", "an array of labels", y);
  }
  if (y.length !== dense.rows) {
    throw new VidmaeError(
      "E_DATA",
      `Found input variables with inconsistent numbers of samples: [${dense.rows}, ${y.length}]`,
    );
  }
  const labels = Array.from(y);
  for (const label of labels) {
    if (typeof label === "number") assertAllFinite([label], "y");
    else if (typeof label !== "string") {
      throw new VidmaeError("E_DATA", `Labels must be strings or numbers but y holds ${String(label)}.`);
    }
  }
  return { X: dense, y: labels };
}

/** Orders strings by Unicode code point (as numpy sorts str arrays) and numbers numerically. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n;) {
    const ca = sa.codePointAt(i)!;
    const cb = sb.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return sa.length - sb.length;
}

/** A label as Python's `repr` would print it in sklearn's messages: `'a'` or `3`. */
export function labelRepr(label: Label): string {
  return typeof label === "string" ? `'${label}'` : String(label);
}

/**
 * Finds the classes of a classification target (sorted as sklearn sorts them) and encodes `y` as class indices.
 *
 * @param minClasses - fewest distinct classes the caller can learn from (2 for discriminative models, 1 for
 *   neighbours)
 * @throws VidmaeError E_DATA for mixed string/number labels, non-integer numbers ("Unknown label type:
 *   'continuous'") or too few classes ("This solver needs samples of at least 2 classes in the data, but the data
 *   contains only one class: 'a'")
 * @example
 * checkClassificationTargets(["b", "a", "b"]); // { classes: ["a", "b"], yIndex: Int32Array [1, 0, 1] }
 */
export function checkClassificationTargets(
  y: readonly Label[],
  minClasses: 1 | 2 = 2,
): { classes: Label[]; yIndex: Int32Array } {
  const types = new Set(y.map((label) => typeof label));
  if (types.size > 1) throw new VidmaeError("E_DATA", "Mix of label input types (string and number)");
  if (y.some((label) => typeof label === "number" && !Number.isInteger(label))) {
    throw new VidmaeError("E_DATA", "Unknown label type: 'continuous'");
  }
  const classes = [...new Set(y)].sort(compareLabels);
  if (classes.length < minClasses) {
    throw new VidmaeError(
      "E_DATA",
      "This solver needs samples of at least 2 classes in the data, but the data contains only one class: " +
        labelRepr(classes[0]),
    );
  }
  const index = new Map(classes.map((label, k) => [label, k]));
  const yIndex = Int32Array.from(y, (label) => index.get(label)!);
  return { classes, yIndex };
}

/**
 * Throws {@link NotFittedError} unless `estimator` has been fitted (every fit sets `nFeaturesIn_`).
 *
 * @example
 * checkIsFitted(new PCA()); // throws "This PCA instance is not fitted yet. Call 'fit' …"
 */
export function checkIsFitted(estimator: Estimator): void {
  if (estimator.nFeaturesIn_ === undefined) throw new NotFittedError(estimator.estimatorName);
}

/**
 * Checks that `X` has as many columns as the data the estimator was fitted on.
 *
 * @throws VidmaeError E_DATA "X has 512 features, but LogisticRegression is expecting 768 features as input."
 * @example
 * checkNFeatures(model, X);
 */
export function checkNFeatures(estimator: Estimator, X: DenseMatrix): void {
  if (X.cols !== estimator.nFeaturesIn_) {
    throw new VidmaeError(
      "E_DATA",
      `X has ${X.cols} features, but ${estimator.estimatorName} is expecting ${estimator.nFeaturesIn_} ` +
        "features as input.",
    );
  }
}

/**
 * What every `predict`/`transform` does first, as sklearn's `_validate_data(reset=False)`: the estimator is
 * fitted, `X` is a valid matrix, and it has the feature count seen in `fit`.
 *
 * @throws NotFittedError before `fit`; VidmaeError E_DATA for a bad matrix or another feature count
 * @example
 * const dense = checkFittedInput(this, X); // in PCA.transform
 */
export function checkFittedInput(estimator: Estimator, X: Matrix): DenseMatrix<Float64Array> {
  checkIsFitted(estimator);
  const dense = checkArray(X, estimator.estimatorName);
  checkNFeatures(estimator, dense);
  return dense;
}
