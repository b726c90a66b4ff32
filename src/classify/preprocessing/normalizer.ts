/**
 * Normalizer: scales each sample (row) to unit norm, as scikit-learn's Normalizer. Stateless apart from the
 * feature count, so fitting only validates.
 */
import { BaseTransformer, type Label } from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { checkArray, checkFittedInput } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  norm: param.oneOf("l2", ["l1", "l2", "max"] as const),
} as const;

/** Options of {@link Normalizer}: `norm` is `l2` (default), `l1` or `max` (largest absolute value). */
export type NormalizerParams = ParamsOf<typeof SCHEMA>;

function rowNorm(data: Float64Array, start: number, cols: number, norm: NormalizerParams["norm"]): number {
  let acc = 0;
  for (let j = start; j < start + cols; j++) {
    const v = data[j];
    if (norm === "l2") acc += v * v;
    else if (norm === "l1") acc += Math.abs(v);
    else acc = Math.max(acc, Math.abs(v));
  }
  return norm === "l2" ? Math.sqrt(acc) : acc;
}

/**
 * Scales every row of `X` to unit `norm`; all-zero rows stay zero.
 *
 * @example
 * new Normalizer().fitTransform([[3, 4]]); // [[0.6, 0.8]]
 */
export class Normalizer extends BaseTransformer<typeof SCHEMA> {
  constructor(options: Partial<NormalizerParams> = {}) {
    super("Normalizer", SCHEMA, options);
  }

  /** Validates the options and records the number of features. */
  fit(X: Matrix, _y?: ArrayLike<Label>): this {
    this.validParams();
    this.nFeaturesIn_ = checkArray(X, this.estimatorName).cols;
    return this;
  }

  /** Divides each row by its norm. */
  transform(X: Matrix): DenseMatrix<Float64Array> {
    const dense = checkFittedInput(this, X);
    const { data, rows, cols } = dense;
    const out = new Float64Array(data.length);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      const norm = rowNorm(data, o, cols, this.params.norm);
      // sklearn leaves rows whose norm is below 10 * eps untouched (_handle_zeros_in_scale).
      const divisor = norm < 10 * Number.EPSILON ? 1 : norm;
      for (let j = o; j < o + cols; j++) out[j] = data[j] / divisor;
    }
    return { data: out, rows, cols };
  }

  protected stateToJSON(): Record<string, unknown> {
    return {};
  }

  protected restoreState(): void {}
}
