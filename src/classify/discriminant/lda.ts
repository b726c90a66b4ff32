/**
 * Linear discriminant analysis with scikit-learn 1.2's `solver='svd'`: class means, within-class data scaled
 * per feature, its SVD (here: eigen-decomposition of its d × d scatter) whitening the shared covariance, then an
 * SVD of the prior-weighted class centres in that space giving the discriminant axes. It classifies (shared
 * covariance Gaussian model) and projects onto at most nClasses − 1 axes.
 */
import { VidmaeError, invalidParameterError } from "../../errors.js";
import {
  decodeMatrix,
  decodeVector,
  encodeMatrix,
  encodeVector,
  type Label,
  type Transformer,
} from "../base.js";
import { zeros, type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { gram, multiplyABt, subtractRow } from "../../numeric/linalg.js";
import { symmetricEigen } from "../../numeric/symmetric-eigen.js";
import { LinearClassifier, scoresToProba } from "../linear/linear.js";
import { checkClassificationTargets, checkXy } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  priors: param.custom<number[] | null>(
    null,
    "array of non-negative class priors or null",
    (v) =>
      v === null ||
      (Array.isArray(v) && v.every((p) => typeof p === "number" && Number.isFinite(p) && p >= 0)),
  ),
  nComponents: param.custom<number | null>(
    null,
    "positive integer or null",
    (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 1),
  ),
  tol: param.nonNegativeFloat(1e-4),
} as const;

/**
 * Options of {@link LinearDiscriminantAnalysis}: class `priors` (null: class frequencies), `nComponents` for
 * `transform` (null: min(nClasses − 1, nFeatures)), and `tol`, the singular value below which a direction of the
 * scaled within-class data counts as degenerate.
 */
export type LinearDiscriminantAnalysisParams = ParamsOf<typeof SCHEMA>;

type F64 = DenseMatrix<Float64Array>;

/** Class means (k × d) and the data minus its class mean. */
function centreByClass(
  X: F64,
  yIndex: Int32Array,
  k: number,
): { means: F64; within: F64; counts: Float64Array } {
  const { rows: n, cols: d, data } = X;
  const means = zeros(k, d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = yIndex[i];
    counts[c]++;
    for (let j = 0; j < d; j++) means.data[c * d + j] += data[i * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means.data[c * d + j] /= counts[c];
  const within = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = yIndex[i] * d;
    for (let j = 0; j < d; j++) within[i * d + j] = data[i * d + j] - means.data[o + j];
  }
  return { means, within: { data: within, rows: n, cols: d }, counts };
}

/** Population standard deviation of each column (0 replaced by 1, as sklearn does before dividing). */
function columnStd(X: F64): Float64Array {
  const { rows: n, cols: d, data } = X;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const t = data[i * d + j] - mean[j];
      std[j] += t * t;
    }
  }
  return std.map((s) => (s === 0 ? 1 : Math.sqrt(s / n)));
}

/**
 * Linear discriminant analysis (`solver='svd'`).
 *
 * @example
 * const lda = new LinearDiscriminantAnalysis().fit(X, y);
 * lda.predict(X);   // labels
 * lda.transform(X); // n × min(nClasses − 1, nFeatures) discriminant coordinates
 */
export class LinearDiscriminantAnalysis extends LinearClassifier<typeof SCHEMA> implements Transformer {
  /** Class priors used (given or class frequencies), normalised to sum 1. */
  priors_?: Float64Array;
  /** Class means, one row per class. */
  means_?: F64;
  /** Prior-weighted overall mean: the origin of `transform`. */
  xbar_?: Float64Array;
  /** Discriminant axes as columns, d × rank, ordered by discriminative power. */
  scalings_?: F64;
  /** Fraction of between-class variance along each kept axis. */
  explainedVarianceRatio_?: Float64Array;
  /** Number of columns `transform` returns. */
  maxComponents_?: number;

  constructor(options: Partial<LinearDiscriminantAnalysisParams> = {}) {
    super("LinearDiscriminantAnalysis", SCHEMA, options);
  }

  /** Learns class means, the shared covariance whitening and the discriminant axes. */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { priors, nComponents, tol } = this.validParams();
    const checked = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(checked.y);
    const { rows: n, cols: d } = checked.X;
    const k = classes.length;
    if (n === k)
      throw new VidmaeError("E_DATA", "The number of samples must be more than the number of classes.");
    const maxComponents = Math.min(k - 1, d);
    if (nComponents !== null && nComponents > maxComponents) {
      throw invalidParameterError(
        "nComponents",
        `integer at most min(nFeatures, nClasses - 1)=${maxComponents}`,
        nComponents,
      );
    }
    const { means, within, counts } = centreByClass(checked.X, yIndex, k);
    const prior = this.resolvePriors(priors, counts, n);

    const xbar = new Float64Array(d);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) xbar[j] += prior[c] * means.data[c * d + j];

    // 1) Scale the within-class data per feature and by 1/sqrt(n - k): its scatter is then the pooled
    //    within-class correlation, whose eigenvectors / singular values whiten the shared covariance.
    const std = columnStd(within);
    const scale = Math.sqrt(1 / (n - k));
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) within.data[i * d + j] *= scale / std[j];
    const inner = symmetricEigen(gram(within));
    let rank = 0;
    while (rank < d && Math.sqrt(Math.max(inner.values[rank], 0)) > tol) rank++;
    if (rank === 0)
      throw new VidmaeError("E_DATA", "All features have zero within-class variance; LDA cannot be fitted.");
    // scalings[j, r] = V[r, j] / std[j] / S[r]: rank whitening directions as columns (d × rank).
    const whiten = zeros(d, rank);
    for (let r = 0; r < rank; r++) {
      const sv = Math.sqrt(inner.values[r]);
      for (let j = 0; j < d; j++) whiten.data[j * rank + r] = inner.vectors.data[r * d + j] / std[j] / sv;
    }

    // 2) Class centres weighted by sqrt(n * prior / (k - 1)), in whitened coordinates (k × rank); their
    //    principal axes are the discriminant axes.
    const centres = subtractRow(means, xbar);
    const weighted = zeros(k, rank);
    for (let c = 0; c < k; c++) {
      const wc = Math.sqrt((n * prior[c]) / (k - 1));
      for (let j = 0; j < d; j++) {
        const v = wc * centres.data[c * d + j];
        if (v === 0) continue;
        for (let r = 0; r < rank; r++) weighted.data[c * rank + r] += v * whiten.data[j * rank + r];
      }
    }
    const axes = principalAxes(weighted);
    const total = axes.squares.reduce((a, b) => a + b, 0);
    let rank2 = 0;
    while (rank2 < axes.count && Math.sqrt(axes.squares[rank2]) > tol * Math.sqrt(axes.squares[0])) rank2++;
    const nRatios = Math.min(maxComponents, axes.count);
    this.explainedVarianceRatio_ = Float64Array.from(axes.squares.subarray(0, nRatios), (s) => s / total);

    // scalings_ = whiten · axesᵀ (d × rank2).
    const scalings = zeros(d, rank2);
    for (let j = 0; j < d; j++) {
      for (let a = 0; a < rank2; a++) {
        let s = 0;
        for (let r = 0; r < rank; r++) s += whiten.data[j * rank + r] * axes.vectors.data[a * rank + r];
        scalings.data[j * rank2 + a] = s;
      }
    }

    // 3) Linear decision rule of the Gaussian model: coef = (means - xbar) S Sᵀ, intercept from priors.
    const scalingsT = transpose(scalings);
    const projected = multiplyABt(centres, scalingsT); // k × rank2
    const coef = multiplyABt(projected, scalings); // k × d
    const intercept = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let sq = 0;
      for (let a = 0; a < rank2; a++) sq += projected.data[c * rank2 + a] ** 2;
      let shift = 0;
      for (let j = 0; j < d; j++) shift += xbar[j] * coef.data[c * d + j];
      intercept[c] = -0.5 * sq + Math.log(prior[c]) - shift;
    }
    if (k === 2) {
      const diff = zeros(1, d);
      for (let j = 0; j < d; j++) diff.data[j] = coef.data[d + j] - coef.data[j];
      this.coef_ = diff;
      this.intercept_ = Float64Array.of(intercept[1] - intercept[0]);
    } else {
      this.coef_ = coef;
      this.intercept_ = intercept;
    }
    this.classes_ = classes;
    this.priors_ = prior;
    this.means_ = means;
    this.xbar_ = xbar;
    this.scalings_ = scalings;
    this.maxComponents_ = nComponents ?? maxComponents;
    this.nFeaturesIn_ = d;
    return this;
  }

  /** Priors as given (renormalised to sum 1, with a warning if they did not) or the class frequencies. */
  private resolvePriors(priors: number[] | null, counts: Float64Array, n: number): Float64Array {
    if (priors === null) return counts.map((c) => c / n);
    if (priors.length !== counts.length) {
      throw invalidParameterError("priors", `array of ${counts.length} non-negative class priors`, priors);
    }
    const sum = priors.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-5) {
      process.emitWarning("The priors do not sum to 1. Renormalizing", { type: "UserWarning" });
    }
    return Float64Array.from(priors, (p) => p / sum);
  }

  /** Projects `X` onto the discriminant axes (at most `maxComponents_` columns). */
  transform(X: Matrix): DenseMatrix<Float64Array> {
    const dense = this.checkInput(X);
    const scalings = this.scalings_!;
    const keep = Math.min(this.maxComponents_!, scalings.cols);
    const axes = zeros(keep, scalings.rows);
    for (let a = 0; a < keep; a++)
      for (let j = 0; j < scalings.rows; j++) {
        axes.data[a * scalings.rows + j] = scalings.data[j * scalings.cols + a];
      }
    return multiplyABt(subtractRow(dense, this.xbar_!), axes);
  }

  /** Fits on `X`, `y` and returns `X` projected. */
  fitTransform(X: Matrix, y?: ArrayLike<Label>): DenseMatrix<Float64Array> {
    if (y === undefined) throw invalidParameterError("y", "an array of labels (LDA is supervised)", y);
    return this.fit(X, y).transform(X);
  }

  /** Posterior class probabilities, one column per class. */
  predictProba(X: Matrix): DenseMatrix<Float64Array> {
    return scoresToProba(this.decisionFunction(X));
  }

  protected override stateToJSON(): Record<string, unknown> {
    return {
      ...super.stateToJSON(),
      priors_: encodeVector(this.priors_!),
      means_: encodeMatrix(this.means_!),
      xbar_: encodeVector(this.xbar_!),
      scalings_: encodeMatrix(this.scalings_!),
      explainedVarianceRatio_: encodeVector(this.explainedVarianceRatio_!),
      maxComponents_: this.maxComponents_,
    };
  }

  protected override restoreState(state: Record<string, unknown>): void {
    super.restoreState(state);
    const d = state.nFeaturesIn_ as number;
    this.priors_ = decodeVector(state.priors_, "state.priors_", this.classes_!.length);
    this.means_ = decodeMatrix(state.means_, "state.means_");
    this.xbar_ = decodeVector(state.xbar_, "state.xbar_", d);
    this.scalings_ = decodeMatrix(state.scalings_, "state.scalings_");
    this.explainedVarianceRatio_ = decodeVector(
      state.explainedVarianceRatio_,
      "state.explainedVarianceRatio_",
    );
    this.maxComponents_ = state.maxComponents_ as number;
  }
}

function transpose(A: F64): F64 {
  const out = zeros(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++)
    for (let j = 0; j < A.cols; j++) out.data[j * A.rows + i] = A.data[i * A.cols + j];
  return out;
}

/**
 * Right singular vectors and squared singular values of a short, wide matrix B (k × r, k small), from the
 * eigen-decomposition of B Bᵀ: vᵢ = Bᵀuᵢ / sᵢ. Only directions with sᵢ > 0 are returned (`count` of them).
 */
function principalAxes(B: F64): { squares: Float64Array; vectors: F64; count: number } {
  const { rows: k, cols: r } = B;
  const { values, vectors: u } = symmetricEigen(multiplyABt(B, B));
  const limit = Math.min(k, r);
  let count = 0;
  while (count < limit && values[count] > 0) count++;
  const vectors = zeros(count, r);
  for (let a = 0; a < count; a++) {
    const s = Math.sqrt(values[a]);
    for (let c = 0; c < k; c++) {
      const coefficient = u.data[a * k + c] / s;
      for (let j = 0; j < r; j++) vectors.data[a * r + j] += coefficient * B.data[c * r + j];
    }
  }
  return { squares: values.slice(0, count), vectors, count };
}
