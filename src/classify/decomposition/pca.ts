/**
 * PCA as scikit-learn's `svd_solver='full'`: exact principal axes of the centred data, signs fixed by sklearn's
 * `svd_flip` rule, optional whitening. The axes come from the eigen-decomposition of the d × d scatter matrix
 * (the right singular vectors of the centred data), which costs n·d² + d³ instead of an SVD of the n × d data.
 */
import { invalidParameterError } from "../../errors.js";
import {
  BaseTransformer,
  decodeMatrix,
  decodeVector,
  encodeMatrix,
  encodeVector,
  type Label,
} from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { columnMeans, gram, multiplyABt, subtractRow } from "../../numeric/linalg.js";
import { symmetricEigen } from "../../numeric/symmetric-eigen.js";
import { checkArray, checkFittedInput } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  nComponents: param.custom<number | null>(
    null,
    "positive integer, float in (0, 1) or null",
    (v) =>
      v === null ||
      (Number.isSafeInteger(v) && (v as number) >= 1) ||
      (typeof v === "number" && v > 0 && v < 1),
  ),
  whiten: param.boolean(false),
} as const;

/**
 * Options of {@link PCA}: `nComponents` is a count, a fraction of variance to keep (in (0, 1)), or null for
 * min(nSamples, nFeatures); `whiten` divides projections by their standard deviation.
 */
export type PCAParams = ParamsOf<typeof SCHEMA>;

/**
 * Principal component analysis.
 *
 * @example
 * const pca = new PCA({ nComponents: 2 }).fit(X);
 * const Z = pca.transform(X); // Z.cols === 2
 * pca.explainedVarianceRatio_; // Float64Array of 2 ratios
 */
export class PCA extends BaseTransformer<typeof SCHEMA> {
  /** Principal axes, one per row (nComponents × nFeatures), unit norm. */
  components_?: DenseMatrix<Float64Array>;
  /** Variance of the training data along each axis (ddof 1). */
  explainedVariance_?: Float64Array;
  /** Fraction of the total variance along each axis. */
  explainedVarianceRatio_?: Float64Array;
  /** Singular values of the centred training data for the kept axes. */
  singularValues_?: Float64Array;
  /** Per-feature training mean. */
  mean_?: Float64Array;
  /** Number of kept axes. */
  nComponents_?: number;
  /** Number of training rows. */
  nSamples_?: number;
  /** Mean variance of the discarded axes (probabilistic PCA noise); 0 when none are discarded. */
  noiseVariance_?: number;

  constructor(options: Partial<PCAParams> = {}) {
    super("PCA", SCHEMA, options);
  }

  /** Finds the principal axes of `X`. */
  fit(X: Matrix, _y?: ArrayLike<Label>): this {
    const { nComponents } = this.validParams();
    const dense = checkArray(X, this.estimatorName, 2);
    const { rows: n, cols: d } = dense;
    const rank = Math.min(n, d);
    if (nComponents !== null && nComponents >= 1 && nComponents > rank) {
      throw invalidParameterError(
        "nComponents",
        `integer between 1 and min(nSamples, nFeatures)=${rank}`,
        nComponents,
      );
    }
    const mean = columnMeans(dense);
    const centred = subtractRow(dense, mean);
    const { values, vectors } = symmetricEigen(gram(centred));
    // Only min(n, d) singular values exist; eigenvalues past them are rounding noise around 0.
    const squares = values.subarray(0, rank).map((v) => Math.max(v, 0));
    const variance = squares.map((v) => v / (n - 1));
    let total = 0;
    for (const v of variance) total += v;
    const ratio = variance.map((v) => v / total);
    const k =
      nComponents === null ? rank : nComponents < 1 ? countForVariance(ratio, nComponents) : nComponents;

    const components: DenseMatrix<Float64Array> = { data: vectors.data.slice(0, k * d), rows: k, cols: d };
    flipSigns(components, multiplyABt(centred, components));
    this.components_ = components;
    this.explainedVariance_ = variance.slice(0, k);
    this.explainedVarianceRatio_ = ratio.slice(0, k);
    this.singularValues_ = squares.slice(0, k).map(Math.sqrt);
    this.mean_ = mean;
    this.nComponents_ = k;
    this.nSamples_ = n;
    let rest = 0;
    for (let i = k; i < rank; i++) rest += variance[i];
    this.noiseVariance_ = k < rank ? rest / (rank - k) : 0;
    this.nFeaturesIn_ = d;
    return this;
  }

  /** Projects `X` on the principal axes (divided by their standard deviation when `whiten`). */
  transform(X: Matrix): DenseMatrix<Float64Array> {
    const dense = checkFittedInput(this, X);
    const out = multiplyABt(subtractRow(dense, this.mean_!), this.components_!);
    if (this.params.whiten) {
      const k = out.cols;
      const std = this.explainedVariance_!.map(Math.sqrt);
      for (let i = 0; i < out.data.length; i++) out.data[i] /= std[i % k];
    }
    return out;
  }

  protected stateToJSON(): Record<string, unknown> {
    return {
      components_: encodeMatrix(this.components_!),
      explainedVariance_: encodeVector(this.explainedVariance_!),
      explainedVarianceRatio_: encodeVector(this.explainedVarianceRatio_!),
      singularValues_: encodeVector(this.singularValues_!),
      mean_: encodeVector(this.mean_!),
      nComponents_: this.nComponents_,
      nSamples_: this.nSamples_,
      noiseVariance_: this.noiseVariance_,
    };
  }

  protected restoreState(state: Record<string, unknown>): void {
    this.components_ = decodeMatrix(state.components_, "state.components_");
    const k = this.components_.rows;
    this.explainedVariance_ = decodeVector(state.explainedVariance_, "state.explainedVariance_", k);
    this.explainedVarianceRatio_ = decodeVector(
      state.explainedVarianceRatio_,
      "state.explainedVarianceRatio_",
      k,
    );
    this.singularValues_ = decodeVector(state.singularValues_, "state.singularValues_", k);
    this.mean_ = decodeVector(state.mean_, "state.mean_", state.nFeaturesIn_ as number);
    this.nComponents_ = k;
    this.nSamples_ = state.nSamples_ as number;
    this.noiseVariance_ = state.noiseVariance_ as number;
  }
}

/** Fewest leading components whose cumulative variance ratio exceeds `fraction` (sklearn's searchsorted rule). */
function countForVariance(ratio: Float64Array, fraction: number): number {
  let cumulative = 0;
  let below = 0;
  for (const r of ratio) {
    cumulative += r;
    if (cumulative <= fraction) below++;
    else break;
  }
  return Math.min(below + 1, ratio.length);
}

/**
 * sklearn's `svd_flip` on U: each axis is oriented so that the training score with the largest magnitude
 * (first one on ties) is positive. `scores` holds the training projections, n × k.
 */
function flipSigns(components: DenseMatrix<Float64Array>, scores: DenseMatrix<Float64Array>): void {
  const { rows: k, cols: d, data } = components;
  for (let c = 0; c < k; c++) {
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < scores.rows; i++) {
      const a = Math.abs(scores.data[i * k + c]);
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    if (scores.data[best * k + c] < 0) for (let j = c * d; j < (c + 1) * d; j++) data[j] = -data[j];
  }
}
