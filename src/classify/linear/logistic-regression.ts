/**
 * L2-regularised logistic regression fitted by L-BFGS, as scikit-learn 1.2's `LogisticRegression(solver="lbfgs")`:
 * a single sigmoid model for two classes, a multinomial (softmax) model for more, minimising
 * Σᵢ logloss(xᵢ, yᵢ) + ‖W‖² / (2C) with the intercept unpenalised, stopped by sklearn's rules.
 */
import type { Label } from "../base.js";
import type { DenseMatrix, Matrix } from "../../numeric/matrix.js";
import { minimizeLbfgs, type Objective } from "../../numeric/lbfgs.js";
import { multiplyABt, multiplyAtB } from "../../numeric/linalg.js";
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

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * The penalised log-loss and its gradient over the parameter vector [W (k × d, row-major), b (k)], where k is 1
 * for a binary model (scoring the second class) and the number of classes otherwise.
 */
function logLoss(
  X: DenseMatrix<Float64Array>,
  yIndex: Int32Array,
  k: number,
  C: number,
  fitIntercept: boolean,
): Objective {
  const { rows: n, cols: d } = X;
  const scores: DenseMatrix<Float64Array> = { data: new Float64Array(n * k), rows: n, cols: k };
  const s = scores.data;
  return (w, grad) => {
    const W = { data: w.subarray(0, k * d), rows: k, cols: d };
    multiplyABt(X, W, fitIntercept ? w.subarray(k * d) : undefined, scores);
    let loss = 0;
    // Turn scores into residuals (predicted probability minus target) in place.
    if (k === 1) {
      for (let i = 0; i < n; i++) {
        const z = s[i];
        const y = yIndex[i];
        loss += softplus(z) - y * z;
        s[i] = (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) - y;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, s[o + c]);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(s[o + c] - max);
          s[o + c] = e;
          sum += e;
        }
        const y = yIndex[i];
        loss += Math.log(sum) - Math.log(s[o + y]);
        for (let c = 0; c < k; c++) s[o + c] /= sum;
        s[o + y] -= 1;
      }
    }
    multiplyAtB(scores, X, { data: grad.subarray(0, k * d), rows: k, cols: d });
    let norm = 0;
    for (let j = 0; j < k * d; j++) {
      norm += w[j] * w[j];
      grad[j] += w[j] / C;
    }
    if (fitIntercept) {
      for (let c = 0; c < k; c++) grad[k * d + c] = 0;
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) grad[k * d + c] += s[i * k + c];
    }
    return loss + (0.5 * norm) / C;
  };
}

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
    const result = minimizeLbfgs(logLoss(checked.X, yIndex, k, C, fitIntercept), w0, { maxIter, pgtol: tol });
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
