/**
 * KNeighborsClassifier with scikit-learn 1.2's brute-force semantics: exact neighbours, votes counted (or
 * weighted by inverse distance) in neighbour order, ties in the vote going to the first class of `classes_`.
 */
import { VidmaeError, invalidParameterError } from "../../errors.js";
import {
  BaseEstimator,
  decodeLabels,
  decodeMatrix,
  encodeMatrix,
  type Classifier,
  type Label,
} from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { argmaxRows } from "../../numeric/linalg.js";
import {
  prepareNeighborRows,
  sklearnKneighbors,
  type IndexMatrix,
  type NeighborRows,
} from "../../numeric/knn.js";
import { nativeCandidates } from "./candidate-graph.js";
import { startWorker } from "../../numeric/blocking-session.js";
import { pairwiseSum } from "../../numeric/pairwise-sum.js";
import {
  checkArray,
  checkClassificationTargets,
  checkIsFitted,
  checkNFeatures,
  checkXy,
} from "../validation.js";
import { param, type ParamsOf } from "../params.js";

/**
 * Distance metrics of {@link KNeighborsClassifier}.
 *
 * @example
 * const metric: NeighborMetric = "cosine";
 */
export type NeighborMetric = "euclidean" | "cosine";

/** Query × row × feature products from which the native float32 kernel finds the candidates. */
const NATIVE_MIN_WORK = 2 ** 26;

const SCHEMA = {
  nNeighbors: param.positiveInt(5),
  weights: param.oneOf<"uniform" | "distance">("uniform", ["uniform", "distance"]),
  metric: param.oneOf<NeighborMetric>("euclidean", ["euclidean", "cosine"]),
} as const;

/**
 * Options of {@link KNeighborsClassifier}: `nNeighbors` (5), `weights` (`uniform` votes or inverse-`distance`
 * weighted votes) and `metric` (`euclidean`, sklearn's default minkowski p=2, or `cosine` = 1 − cosine
 * similarity). The search is always exact: on large inputs, float32 candidates from a native matrix product
 * are re-ranked in float64, with the same result as the float64 brute force.
 *
 * @example
 * new KNeighborsClassifier({ nNeighbors: 10, weights: "distance", metric: "cosine" });
 */
export type KNeighborsClassifierParams = ParamsOf<typeof SCHEMA>;

/**
 * k-nearest-neighbours vote.
 *
 * @example
 * const knn = new KNeighborsClassifier({ nNeighbors: 5, metric: "cosine" }).fit(Xtrain, ytrain);
 * knn.predict(Xtest);
 * const { distances, indices } = knn.kneighbors(Xtest, 3);
 */
export class KNeighborsClassifier extends BaseEstimator<typeof SCHEMA> implements Classifier {
  /** Sorted distinct training labels. */
  classes_?: Label[];
  /** The training rows (the model is the data). */
  fitX_?: DenseMatrix<Float64Array>;
  /** Class index (into `classes_`) of each training row. */
  fitY_?: Int32Array;
  /** Number of training rows. */
  nSamplesFit_?: number;
  /** The metric used at fit time. */
  effectiveMetric_?: NeighborMetric;
  /** The training rows prepared for the search (norm terms, float32 copy), derived from `fitX_`. */
  private neighborRows?: NeighborRows;

  constructor(options: Partial<KNeighborsClassifierParams> = {}) {
    super("KNeighborsClassifier", SCHEMA, options);
  }

  /** Stores the training data (float64 copy) and the classes. */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { metric } = this.validParams();
    const data = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(data.y, 1);
    // checkXy may hand back the caller's own float64 buffer; the model must not alias it.
    const fitX = {
      ...data.X,
      data: data.X.data === (X as DenseMatrix).data ? data.X.data.slice() : data.X.data,
    };
    this.setFitted(fitX, yIndex, classes, metric);
    return this;
  }

  private setFitted(
    fitX: DenseMatrix<Float64Array>,
    fitY: Int32Array,
    classes: Label[],
    metric: NeighborMetric,
  ): void {
    this.fitX_ = fitX;
    this.fitY_ = fitY;
    this.classes_ = classes;
    this.effectiveMetric_ = metric;
    this.nSamplesFit_ = fitX.rows;
    // Rows enough that a modest predict goes native: let the kernel's worker start while fit finishes.
    if (fitX.rows * fitX.cols * 256 >= NATIVE_MIN_WORK) startWorker();
    this.neighborRows = prepareNeighborRows(fitX, metric === "euclidean" ? "l2" : "cosine");
    this.nFeaturesIn_ = fitX.cols;
  }

  /**
   * The `nNeighbors` nearest training rows of each row of `X`, nearest first; equal distances list the lower
   * training index first.
   *
   * @throws VidmaeError E_DATA when asking for more neighbours than training rows
   * @example
   * const { distances, indices } = knn.kneighbors(Xtest); // both Xtest.rows × nNeighbors
   */
  kneighbors(
    X: Matrix,
    nNeighbors: number = this.params.nNeighbors,
  ): { distances: DenseMatrix<Float64Array>; indices: IndexMatrix } {
    checkIsFitted(this);
    const queries = checkArray(X, this.estimatorName);
    checkNFeatures(this, queries);
    const nFit = this.nSamplesFit_!;
    if (!Number.isSafeInteger(nNeighbors) || nNeighbors < 1 || nNeighbors > nFit) {
      throw new VidmaeError(
        "E_DATA",
        `Expected nNeighbors <= nSamplesFit, but nNeighbors = ${nNeighbors}, nSamplesFit = ${nFit}, nSamples = ${queries.rows}`,
      );
    }
    // Below ~64M multiply-adds the float64 tiles finish before the native kernel's worker has started.
    const native = queries.rows * nFit * queries.cols >= NATIVE_MIN_WORK;
    return sklearnKneighbors(
      queries,
      this.neighborRows!,
      nNeighbors,
      native ? nativeCandidates() : undefined,
    );
  }

  /** Per-query class votes (unnormalised), summed in neighbour order as sklearn does. */
  private votes(X: Matrix): DenseMatrix<Float64Array> {
    const { distances, indices } = this.kneighbors(X);
    const { rows, cols: k } = indices;
    const nClasses = this.classes_!.length;
    const fitY = this.fitY_!;
    const out = new Float64Array(rows * nClasses);
    const uniform = this.params.weights === "uniform";
    for (let i = 0; i < rows; i++) {
      const o = i * k;
      // Inverse-distance weights; a query at distance 0 from some rows gives those rows weight 1, others 0.
      let exact = false;
      if (!uniform) for (let j = 0; j < k; j++) exact ||= distances.data[o + j] === 0;
      for (let j = 0; j < k; j++) {
        const dist = distances.data[o + j];
        const w = uniform ? 1 : exact ? (dist === 0 ? 1 : 0) : 1 / dist;
        out[i * nClasses + fitY[indices.data[o + j]]] += w;
      }
    }
    return { data: out, rows, cols: nClasses };
  }

  /** The class with the most (weighted) votes; ties go to the first class in `classes_`. */
  predict(X: Matrix): Label[] {
    const classes = this.classes_;
    const winners = argmaxRows(this.votes(X));
    return Array.from(winners, (c) => classes![c]);
  }

  /** Vote shares per class (columns in `classes_` order). */
  predictProba(X: Matrix): DenseMatrix<Float64Array> {
    const votes = this.votes(X);
    const { data, rows, cols } = votes;
    for (let i = 0; i < rows; i++) {
      const row = data.subarray(i * cols, (i + 1) * cols);
      const total = pairwiseSum(row);
      if (total !== 0) for (let c = 0; c < cols; c++) row[c] /= total;
    }
    return votes;
  }

  protected stateToJSON(): Record<string, unknown> {
    return {
      classes_: this.classes_,
      fitX_: encodeMatrix(this.fitX_!),
      fitY_: Array.from(this.fitY_!),
      effectiveMetric_: this.effectiveMetric_,
    };
  }

  protected restoreState(state: Record<string, unknown>): void {
    const classes = decodeLabels(state.classes_, "state.classes_");
    const fitX = decodeMatrix(state.fitX_, "state.fitX_");
    if (fitX.cols !== state.nFeaturesIn_) {
      throw invalidParameterError(
        "state.fitX_",
        `a matrix with ${String(state.nFeaturesIn_)} columns`,
        fitX.cols,
      );
    }
    const fitY = state.fitY_;
    const isClassIndex = (c: unknown): boolean =>
      Number.isInteger(c) && (c as number) >= 0 && (c as number) < classes.length;
    if (!Array.isArray(fitY) || fitY.length !== fitX.rows || !fitY.every(isClassIndex)) {
      throw invalidParameterError("state.fitY_", "one class index per row of state.fitX_", fitY);
    }
    const metric = state.effectiveMetric_;
    if (!SCHEMA.metric.test(metric))
      throw invalidParameterError("state.effectiveMetric_", SCHEMA.metric.expected, metric);
    this.setFitted(fitX, Int32Array.from(fitY as number[]), classes, metric as NeighborMetric);
  }
}
