/**
 * L2-regularised logistic regression fitted by L-BFGS, as scikit-learn 1.2's `LogisticRegression(solver="lbfgs")`:
 * a single sigmoid model for two classes, a multinomial (softmax) model for more, minimising
 * Σᵢ logloss(xᵢ, yᵢ) + ‖W‖² / (2C) with the intercept unpenalised, stopped by sklearn's rules.
 */
import type { Label } from "../base.js";
import type { DenseMatrix, Matrix } from "../../numeric/matrix.js";
import { minimizeLbfgs } from "../../numeric/lbfgs.js";
import { logLoss } from "./logistic-loss.js";
import { LinearClassifier, scoresToProba, warnConvergence } from "./linear.js";
import { checkClassificationTargets, checkXy } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  C: param.positiveFloat(1),
  maxIter: param.positiveInt(100),
  tol: param.positiveFloat(1e-4),
  fitIntercept: param.boolean(true),
} as const;

/** Options of {@link LogisticRegression}: inverse regularisation `C`, `maxIter`, gradient `tol`, `fitIntercept`. */
export type LogisticRegressionParams = ParamsOf<typeof SCHEMA>;

/**
 * Logistic regression classifier (L2 penalty, lbfgs solver, sklearn's multi_class="auto").
 *
 * @example
 * const clf = new LogisticRegression({ C: 0.5, maxIter: 1000 }).fit(Xtrain, ytrain);
 * clf.predict(Xtest);      // labels
 * clf.predictProba(Xtest); // n × nClasses probabilities
 */
export class LogisticRegression extends LinearClassifier<typeof SCHEMA> {
  constructor(options: Partial<LogisticRegressionParams> = {}) {
    super("LogisticRegression", SCHEMA, options);
  }

  /** Fits the model on `X` and labels `y` (at least two classes). */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { C, maxIter, tol, fitIntercept } = this.validParams();
    const checked = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(checked.y);
    const d = checked.X.cols;
    const k = classes.length === 2 ? 1 : classes.length;
    const w0 = new Float64Array(k * d + (fitIntercept ? k : 0));
    const objective = logLoss(checked.X, yIndex, k, C, fitIntercept);
    let result;
    try {
      result = minimizeLbfgs(objective, w0, { maxIter, pgtol: tol });
    } finally {
      objective.release();
    }
    if (!result.converged) {
      warnConvergence(
        `lbfgs failed to converge (${result.status} after ${result.nIter} iterations). Increase the number of ` +
          "iterations (maxIter) or scale the data (StandardScaler).",
      );
    }
    this.classes_ = classes;
    this.coef_ = { data: result.x.slice(0, k * d), rows: k, cols: d };
    this.intercept_ = fitIntercept ? result.x.slice(k * d) : new Float64Array(k);
    this.nIter_ = result.nIter;
    this.nFeaturesIn_ = d;
    return this;
  }

  /** Class probabilities, one column per class in `classes_` order. */
  predictProba(X: Matrix): DenseMatrix<Float64Array> {
    return scoresToProba(this.decisionFunction(X));
  }

  /** Natural logarithm of {@link LogisticRegression.predictProba}. */
  predictLogProba(X: Matrix): DenseMatrix<Float64Array> {
    const proba = this.predictProba(X);
    for (let i = 0; i < proba.data.length; i++) proba.data[i] = Math.log(proba.data[i]);
    return proba;
  }
}
