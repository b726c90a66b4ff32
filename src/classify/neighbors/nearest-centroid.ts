/**
 * NearestCentroid as scikit-learn 1.2: one centroid per class (mean for euclidean, median for manhattan),
 * optionally shrunken toward the overall centroid, and prediction by the nearest centroid.
 */
import { invalidParameterError, VidmaeError } from "../../errors.js";
import {
  BaseEstimator,
  decodeLabels,
  decodeMatrix,
  encodeMatrix,
  type Classifier,
  type Label,
} from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { prepareNeighborRows, sklearnKneighbors } from "../../numeric/knn.js";
import {
  checkArray,
  checkClassificationTargets,
  checkIsFitted,
  checkNFeatures,
  checkXy,
} from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  metric: param.oneOf<"euclidean" | "manhattan">("euclidean", ["euclidean", "manhattan"]),
  shrinkThreshold: param.custom<number | null>(
    null,
    "positive float or null",
    (v) => v === null || (typeof v === "number" && Number.isFinite(v) && v > 0),
  ),
} as const;

/**
 * Options of {@link NearestCentroid}: `metric` (`euclidean`: class means; `manhattan`: class medians) and
 * `shrinkThreshold` (null, or the soft threshold of shrunken centroids).
 *
 * @example
 * new NearestCentroid({ shrinkThreshold: 0.2 });
 */
export type NearestCentroidParams = ParamsOf<typeof SCHEMA>;

/** numpy's median of a column: the mean of the two middle values for an even count. */
function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Nearest-centroid classifier.
 *
 * @example
 * const nc = new NearestCentroid().fit(Xtrain, ytrain);
 * nc.centroids_; // one row per class, in classes_ order
 * nc.predict(Xtest);
 */
export class NearestCentroid extends BaseEstimator<typeof SCHEMA> implements Classifier {
  /** Sorted distinct training labels. */
  classes_?: Label[];
  /** One centroid per class (rows in `classes_` order). */
  centroids_?: DenseMatrix<Float64Array>;

  constructor(options: Partial<NearestCentroidParams> = {}) {
    super("NearestCentroid", SCHEMA, options);
  }

  /** Computes the class centroids. */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { metric, shrinkThreshold } = this.validParams();
    const { X: dense, y: labels } = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(labels, 1);
    if (classes.length < 2) {
      throw new VidmaeError(
        "E_DATA",
        `The number of classes has to be greater than one; got ${classes.length} class`,
      );
    }
    const { data, rows: n, cols: d } = dense;
    const k = classes.length;
    const counts = new Float64Array(k);
    for (const c of yIndex) counts[c]++;
    const centroids = new Float64Array(k * d);
    if (metric === "euclidean") {
      // Row-by-row accumulation then one division: numpy's order for a mean over axis 0.
      for (let i = 0; i < n; i++) {
        const o = yIndex[i] * d;
        for (let j = 0; j < d; j++) centroids[o + j] += data[i * d + j];
      }
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centroids[c * d + j] /= counts[c];
    } else {
      for (let c = 0; c < k; c++) {
        const members = new Float64Array(counts[c]);
        for (let j = 0; j < d; j++) {
          let m = 0;
          for (let i = 0; i < n; i++) if (yIndex[i] === c) members[m++] = data[i * d + j];
          centroids[c * d + j] = median(members);
        }
      }
    }
    this.centroids_ = { data: centroids, rows: k, cols: d };
    if (shrinkThreshold !== null) this.shrink(dense, yIndex, counts, shrinkThreshold);
    this.classes_ = classes;
    this.nFeaturesIn_ = d;
    return this;
  }

  /** Tibshirani's shrunken centroids, as sklearn computes them. */
  private shrink(
    X: DenseMatrix<Float64Array>,
    yIndex: Int32Array,
    counts: Float64Array,
    threshold: number,
  ): void {
    const { data, rows: n, cols: d } = X;
    const centroids = this.centroids_!.data;
    const k = counts.length;
    const overall = new Float64Array(d);
    const min = new Float64Array(d).fill(Infinity);
    const max = new Float64Array(d).fill(-Infinity);
    const spread = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const c = yIndex[i];
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j];
        overall[j] += v;
        min[j] = Math.min(min[j], v);
        max[j] = Math.max(max[j], v);
        const r = v - centroids[c * d + j];
        spread[j] += r * r;
      }
    }
    if (min.every((v, j) => v === max[j])) {
      throw new VidmaeError("E_DATA", "All features have zero variance. Division by zero.");
    }
    for (let j = 0; j < d; j++) {
      overall[j] /= n;
      spread[j] = Math.sqrt(spread[j] / (n - k));
    }
    const offset = median(spread); // added to every feature so near-constant ones do not dominate
    for (let c = 0; c < k; c++) {
      const m = Math.sqrt(1 / counts[c] - 1 / n);
      for (let j = 0; j < d; j++) {
        const ms = m * (spread[j] + offset);
        const deviation = (centroids[c * d + j] - overall[j]) / ms;
        const shrunk = Math.sign(deviation) * Math.max(0, Math.abs(deviation) - threshold);
        centroids[c * d + j] = overall[j] + ms * shrunk;
      }
    }
  }

  /** The class of the nearest centroid (the first class on exact ties). */
  predict(X: Matrix): Label[] {
    checkIsFitted(this);
    const dense = checkArray(X, this.estimatorName);
    checkNFeatures(this, dense);
    const centroids = this.centroids_!;
    const classes = this.classes_!;
    if (this.params.metric === "euclidean") {
      const { indices } = sklearnKneighbors(dense, prepareNeighborRows(centroids, "l2"), 1);
      return Array.from(indices.data, (c) => classes[c]);
    }
    const { data, rows, cols } = dense;
    return Array.from({ length: rows }, (_, i) => {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < centroids.rows; c++) {
        let distance = 0;
        for (let j = 0; j < cols; j++)
          distance += Math.abs(data[i * cols + j] - centroids.data[c * cols + j]);
        if (distance < bestDistance) [best, bestDistance] = [c, distance];
      }
      return classes[best];
    });
  }

  protected stateToJSON(): Record<string, unknown> {
    return { classes_: this.classes_, centroids_: encodeMatrix(this.centroids_!) };
  }

  protected restoreState(state: Record<string, unknown>): void {
    const classes = decodeLabels(state.classes_, "state.classes_");
    const centroids = decodeMatrix(state.centroids_, "state.centroids_");
    if (centroids.rows !== classes.length || centroids.cols !== state.nFeaturesIn_) {
      throw invalidParameterError(
        "state.centroids_",
        `a ${classes.length} × ${String(state.nFeaturesIn_)} matrix`,
        `${centroids.rows} × ${centroids.cols}`,
      );
    }
    this.classes_ = classes;
    this.centroids_ = centroids;
  }
}
