/**
 * What linear classifiers share (sklearn's LinearClassifierMixin): scores `X coef_ᵀ + intercept_`, labels from
 * the scores (a single score column for two classes, positive meaning `classes_[1]`), probabilities from
 * scores, and the codec of `coef_`, `intercept_` and `classes_`.
 */
import { invalidParameterError } from "../../errors.js";
import {
  BaseEstimator,
  decodeLabels,
  decodeMatrix,
  decodeVector,
  encodeMatrix,
  encodeVector,
  type Classifier,
  type Label,
  labelsFromScores,
} from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { multiplyABt, softmaxRows } from "../../numeric/linalg.js";
import { checkFittedInput } from "../validation.js";
import { type ParamSchema } from "../params.js";

/**
 * Probabilities from decision scores: the logistic function of a single column (two classes), the softmax of
 * several. Returns one column per class.
 *
 * @example
 * scoresToProba(toDense([[0]])); // [[0.5, 0.5]]
 */
export function scoresToProba(scores: DenseMatrix<Float64Array>): DenseMatrix<Float64Array> {
  if (scores.cols > 1) return softmaxRows(scores);
  const n = scores.rows;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-scores.data[i]));
    out[2 * i] = 1 - p;
    out[2 * i + 1] = p;
  }
  return { data: out, rows: n, cols: 2 };
}

/**
 * Reports an optimizer that stopped before converging, as sklearn's ConvergenceWarning (a process warning, so
 * `node --no-warnings` or a `process.on("warning")` handler controls it).
 *
 * @example
 * warnConvergence("liblinear failed to converge, increase the number of iterations (maxIter).");
 */
export function warnConvergence(message: string): void {
  process.emitWarning(message, { type: "ConvergenceWarning", code: "VIDMAE_CONVERGENCE" });
}

/**
 * Base class of linear classifiers: subclasses learn `coef_` (one row per score column), `intercept_`,
 * `classes_` and their solver's `nIter_` in `fit`; prediction, scoring and serialisation of those live here.
 *
 * @example
 * class MyLinear extends LinearClassifier<typeof SCHEMA> { fit(X, y) { …; return this; } }
 */
export abstract class LinearClassifier<S extends ParamSchema> extends BaseEstimator<S> implements Classifier {
  /** Sorted distinct training labels. */
  classes_?: Label[];
  /** Weights: one row per class, or a single row scoring `classes_[1]` for two classes. */
  coef_?: DenseMatrix<Float64Array>;
  /** Bias of each row of `coef_`. */
  intercept_?: Float64Array;
  /** Iterations the solver ran (for one-vs-rest, the most any one problem needed). */
  nIter_?: number;

  abstract fit(X: Matrix, y: ArrayLike<Label>): this;

  /** Checks `X` against the fitted model and returns it as float64. */
  protected checkInput(X: Matrix): DenseMatrix<Float64Array> {
    return checkFittedInput(this, X);
  }

  /**
   * Signed distance of each sample to each class's hyperplane, `X coef_ᵀ + intercept_`: n × nClasses, or n × 1
   * (scoring `classes_[1]`) for two classes.
   */
  decisionFunction(X: Matrix): DenseMatrix<Float64Array> {
    return multiplyABt(this.checkInput(X), this.coef_!, this.intercept_);
  }

  /** The class with the highest score for each sample. */
  predict(X: Matrix): Label[] {
    return labelsFromScores(this.decisionFunction(X), this.classes_!, 0);
  }

  protected stateToJSON(): Record<string, unknown> {
    return {
      classes_: this.classes_,
      coef_: encodeMatrix(this.coef_!),
      intercept_: encodeVector(this.intercept_!),
      nIter_: this.nIter_,
    };
  }

  protected restoreState(state: Record<string, unknown>): void {
    this.classes_ = decodeLabels(state.classes_, "state.classes_");
    this.coef_ = decodeMatrix(state.coef_, "state.coef_");
    if (this.coef_.cols !== state.nFeaturesIn_) {
      throw invalidParameterError(
        "state.coef_.cols",
        `nFeaturesIn_ (${state.nFeaturesIn_})`,
        this.coef_.cols,
      );
    }
    this.intercept_ = decodeVector(state.intercept_, "state.intercept_", this.coef_.rows);
    this.nIter_ = state.nIter_ as number;
  }
}
