/**
 * StandardScaler: removes the training mean and divides by the training standard deviation, per feature,
 * exactly as scikit-learn 1.2 does (population std, near-constant features scaled by 1).
 */
import { BaseTransformer, decodeVector, encodeVector, type Label } from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { checkArray, checkFittedInput } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  withMean: param.boolean(true),
  withStd: param.boolean(true),
} as const;

/** Options of {@link StandardScaler} (sklearn's `with_mean`, `with_std`). */
export type StandardScalerParams = ParamsOf<typeof SCHEMA>;

/**
 * True where a feature's variance is indistinguishable from rounding noise of the two-pass variance algorithm
 * (sklearn's bound from Chan, Golub & LeVeque), so the feature is treated as constant.
 */
function isConstantFeature(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

/**
 * Standardizes features: `z = (x - mean_) / scale_`.
 *
 * @example
 * const scaler = new StandardScaler().fit([[0], [2]]);
 * scaler.transform([[4]]); // [[3]]  (mean 1, std 1)
 */
export class StandardScaler extends BaseTransformer<typeof SCHEMA> {
  /** Per-feature training mean. */
  mean_?: Float64Array;
  /** Per-feature training variance (ddof 0). */
  var_?: Float64Array;
  /** Per-feature divisor: the standard deviation, 1 for constant features; null when `withStd` is false. */
  scale_?: Float64Array | null;
  /** Number of rows seen by `fit`. */
  nSamplesSeen_?: number;

  constructor(options: Partial<StandardScalerParams> = {}) {
    super("StandardScaler", SCHEMA, options);
  }

  /** Learns the per-feature mean and standard deviation of `X`. */
  fit(X: Matrix, _y?: ArrayLike<Label>): this {
    const { withStd } = this.validParams();
    const { data, rows: n, cols: d } = checkArray(X, this.estimatorName);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    // Two-pass variance with the compensating term of sklearn's _incremental_mean_and_var.
    const squares = new Float64Array(d);
    const correction = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - mean[j];
        correction[j] += t;
        squares[j] += t * t;
      }
    }
    const variance = new Float64Array(d);
    for (let j = 0; j < d; j++) variance[j] = (squares[j] - (correction[j] * correction[j]) / n) / n;
    this.mean_ = mean;
    this.var_ = variance;
    this.scale_ = withStd
      ? variance.map((v, j) => (isConstantFeature(v, mean[j], n) ? 1 : Math.sqrt(v)))
      : null;
    this.nSamplesSeen_ = n;
    this.nFeaturesIn_ = d;
    return this;
  }

  /** Standardizes `X` with the learned statistics. */
  transform(X: Matrix): DenseMatrix<Float64Array> {
    const dense = checkFittedInput(this, X);
    const { withMean } = this.params;
    const { data, rows, cols } = dense;
    const out = new Float64Array(data.length);
    const mean = this.mean_!;
    const scale = this.scale_;
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) {
        let v = data[o + j];
        if (withMean) v -= mean[j];
        if (scale) v /= scale[j];
        out[o + j] = v;
      }
    }
    return { data: out, rows, cols };
  }

  protected stateToJSON(): Record<string, unknown> {
    return {
      mean_: encodeVector(this.mean_!),
      var_: encodeVector(this.var_!),
      scale_: this.scale_ ? encodeVector(this.scale_) : null,
      nSamplesSeen_: this.nSamplesSeen_,
    };
  }

  protected restoreState(state: Record<string, unknown>): void {
    const d = state.nFeaturesIn_ as number;
    this.mean_ = decodeVector(state.mean_, "state.mean_", d);
    this.var_ = decodeVector(state.var_, "state.var_", d);
    this.scale_ = state.scale_ === null ? null : decodeVector(state.scale_, "state.scale_", d);
    this.nSamplesSeen_ = state.nSamplesSeen_ as number;
  }
}
