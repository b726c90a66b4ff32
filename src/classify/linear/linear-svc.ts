/**
 * Linear support vector classifier as scikit-learn's `LinearSVC()` (liblinear, L2-regularised squared hinge,
 * dual problem): dual coordinate descent with random coordinate order and shrinking (Hsieh et al. 2008,
 * liblinear's L2R_L2LOSS_SVC_DUAL), one-vs-rest for more than two classes, and the intercept learned as the
 * weight of a constant feature (so it is penalised like the other weights).
 */
import { type Label } from "../base.js";
import { type Matrix } from "../../numeric/matrix.js";
import { LinearClassifier, warnConvergence } from "./linear.js";
import { RandomState } from "../../numeric/random-state.js";
import { checkClassificationTargets, checkXy } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

const SCHEMA = {
  C: param.positiveFloat(1),
  tol: param.positiveFloat(1e-4),
  maxIter: param.positiveInt(1000),
  fitIntercept: param.boolean(true),
  interceptScaling: param.positiveFloat(1),
  randomState: param.randomState(),
} as const;

/**
 * Options of {@link LinearSVC}: `C`, stopping `tol`, `maxIter` passes over the data, `fitIntercept` with the
 * constant feature's value `interceptScaling`, and `randomState` seeding the coordinate order (null: seed 0, so
 * fits are reproducible).
 */
export type LinearSVCParams = ParamsOf<typeof SCHEMA>;

/** Result of one binary problem: weights (last entry is the bias weight when fitting an intercept). */
interface BinaryFit {
  w: Float64Array;
  nIter: number;
}

/**
 * Solves min_α ½ αᵀ(Q + D)α − eᵀα, α ≥ 0, with Q_ij = y_i y_j x_iᵀx_j and D = I / (2C) (the squared hinge's
 * dual), keeping w = Σ α_i y_i x_i. Each pass visits the active coordinates in random order; a coordinate at
 * α = 0 whose gradient exceeds the last pass's largest projected gradient is shrunk away. Stops when the spread
 * of projected gradients is ≤ tol on the full set.
 */
function solveDual(
  data: Float64Array,
  n: number,
  d: number,
  bias: number,
  sign: Int8Array,
  C: number,
  tol: number,
  maxIter: number,
  rng: RandomState,
): BinaryFit {
  const width = bias > 0 ? d + 1 : d;
  const w = new Float64Array(width);
  const alpha = new Float64Array(n);
  const diag = 0.5 / C;
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = diag + bias * bias;
    for (let j = i * d; j < (i + 1) * d; j++) s += data[j] * data[j];
    qd[i] = s;
  }
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  // With no upper bound on α (squared hinge) only the largest projected gradient drives shrinking.
  let pgMaxOld = Infinity;
  let iter = 0;
  while (iter < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let i = 0; i < active; i++) {
      const j = i + rng.interval(active - i - 1);
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const yi = sign[i];
      const o = i * d;
      let dotw = bias > 0 ? w[d] * bias : 0;
      for (let j = 0; j < d; j++) dotw += w[j] * data[o + j];
      const G = yi * dotw - 1 + alpha[i] * diag;
      let pg = G;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          active--;
          index[s] = index[active];
          index[active] = i;
          s--;
          continue;
        }
        if (G > 0) pg = 0;
      }
      pgMax = Math.max(pgMax, pg);
      pgMin = Math.min(pgMin, pg);
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - G / qd[i], 0);
        const step = (alpha[i] - old) * yi;
        for (let j = 0; j < d; j++) w[j] += step * data[o + j];
        if (bias > 0) w[d] += step * bias;
      }
    }
    iter++;
    if (pgMax - pgMin <= tol) {
      if (active === n) break;
      // Converged on the shrunk set: check every coordinate again before stopping.
      active = n;
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return { w, nIter: iter };
}

/**
 * Linear SVM classifier (squared hinge loss, L2 penalty).
 *
 * @example
 * const svc = new LinearSVC({ C: 0.1 }).fit(Xtrain, ytrain);
 * svc.predict(Xtest);          // labels
 * svc.decisionFunction(Xtest); // n × nClasses margins (n × 1 for two classes)
 */
export class LinearSVC extends LinearClassifier<typeof SCHEMA> {
  constructor(options: Partial<LinearSVCParams> = {}) {
    super("LinearSVC", SCHEMA, options);
  }

  /** Fits one binary SVM per class (a single one for two classes, scoring `classes_[1]`). */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { C, tol, maxIter, fitIntercept, interceptScaling, randomState } = this.validParams();
    const checked = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(checked.y);
    const { data, rows: n, cols: d } = checked.X;
    const bias = fitIntercept ? interceptScaling : 0;
    const rng = new RandomState(randomState ?? 0);
    const positives = classes.length === 2 ? [1] : classes.map((_, k) => k);
    const coef = new Float64Array(positives.length * d);
    const intercept = new Float64Array(positives.length);
    let nIter = 0;
    positives.forEach((positive, row) => {
      const sign = Int8Array.from(yIndex, (c) => (c === positive ? 1 : -1));
      const fit = solveDual(data, n, d, bias, sign, C, tol, maxIter, rng);
      coef.set(fit.w.subarray(0, d), row * d);
      intercept[row] = fitIntercept ? bias * fit.w[d] : 0;
      nIter = Math.max(nIter, fit.nIter);
    });
    if (nIter >= maxIter) {
      warnConvergence("Liblinear failed to converge, increase the number of iterations (maxIter).");
    }
    this.classes_ = classes;
    this.coef_ = { data: coef, rows: positives.length, cols: d };
    this.intercept_ = intercept;
    this.nIter_ = nIter;
    this.nFeaturesIn_ = d;
    return this;
  }
}
