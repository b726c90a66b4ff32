/**
 * Exhaustive grid search by cross-validation (sklearn's `GridSearchCV`): every parameter combination is
 * cross-validated on the same folds, ranked by mean test score, and the best one refitted on all data.
 */
import { NotFittedError, invalidParameterError } from "../../errors.js";
import type { Classifier, Label } from "../base.js";
import type { DenseMatrix, Matrix } from "../../numeric/matrix.js";
import { cloneEstimator } from "../clone.js";
import {
  crossValidate,
  resolveFolds,
  type CvSpec,
  type ScorerFn,
  type ScorerName,
} from "./cross-validation.js";
import { checkXy } from "../validation.js";

/**
 * Candidate values per parameter.
 *
 * @example
 * const grid: ParamGrid = { pca__nComponents: [8, 16], clf__C: [0.1, 1] };
 */
export type ParamGrid = Record<string, readonly unknown[]>;

/**
 * Every combination of a grid (or of each grid in a list), in sklearn's `ParameterGrid` order: keys sorted,
 * the last key varying fastest.
 *
 * @example
 * parameterGrid({ b: [1, 2], a: ["x"] }); // [{ a: "x", b: 1 }, { a: "x", b: 2 }]
 */
export function parameterGrid(grid: ParamGrid | readonly ParamGrid[]): Record<string, unknown>[] {
  const grids = Array.isArray(grid) ? (grid as readonly ParamGrid[]) : [grid as ParamGrid];
  const out: Record<string, unknown>[] = [];
  for (const g of grids) {
    const keys = Object.keys(g).sort();
    for (const key of keys) {
      if (!Array.isArray(g[key]) || g[key].length === 0) {
        throw invalidParameterError(`paramGrid.${key}`, "a non-empty array of values", g[key]);
      }
    }
    let combos: Record<string, unknown>[] = [{}];
    for (const key of keys) combos = combos.flatMap((c) => g[key].map((v) => ({ ...c, [key]: v })));
    out.push(...combos);
  }
  return out;
}

/**
 * Options of {@link GridSearchCV} (sklearn's `estimator`, `param_grid`, `scoring`, `cv`, `refit`).
 *
 * @example
 * new GridSearchCV({ estimator: new KNeighborsClassifier(), paramGrid: { nNeighbors: [1, 5, 15] }, cv: 5 });
 */
export interface GridSearchCVOptions {
  /** The classifier or pipeline to tune; cloned for every fit, never fitted itself. */
  estimator: Classifier;
  /** One grid or a list of grids; pipeline parameters use `step__param` names. */
  paramGrid: ParamGrid | readonly ParamGrid[];
  /** Scorer name or function; default `"accuracy"`. */
  scoring?: ScorerName | ScorerFn;
  /** Folds: a count (default 5), explicit folds, or a splitter. */
  cv?: CvSpec;
  /** Refit the best parameters on all data as `bestEstimator_` (default true). */
  refit?: boolean;
}

/**
 * Cross-validation results per candidate, in {@link parameterGrid} order (sklearn's `cv_results_`).
 *
 * @example
 * const { params, meanTestScore, rankTestScore } = search.cvResults_!;
 */
export interface GridSearchResults {
  params: Record<string, unknown>[];
  /** `splitTestScores[c][f]`: candidate c's score on fold f. */
  splitTestScores: number[][];
  meanTestScore: number[];
  stdTestScore: number[];
  /** 1 for the best mean score; equal scores share the lowest rank. */
  rankTestScore: number[];
  meanFitTime: number[];
}

/**
 * Grid search over hyper-parameters by cross-validation.
 *
 * @example
 * const search = new GridSearchCV({
 *   estimator: new Pipeline([["scaler", new StandardScaler()], ["clf", new LogisticRegression()]]),
 *   paramGrid: { clf__C: [0.1, 1, 10] },
 *   cv: 5,
 * }).fit(X, y);
 * search.bestParams_; // { clf__C: 1 }
 * search.predict(Xtest); // with the refitted best model
 */
export class GridSearchCV {
  readonly estimatorName = "GridSearchCV";
  private readonly options: Required<Omit<GridSearchCVOptions, "paramGrid">> &
    Pick<GridSearchCVOptions, "paramGrid">;
  cvResults_?: GridSearchResults;
  bestIndex_?: number;
  bestParams_?: Record<string, unknown>;
  bestScore_?: number;
  /** The best candidate refitted on all data (when `refit`). */
  bestEstimator_?: Classifier;
  /** Number of folds used. */
  nSplits_?: number;

  constructor(options: GridSearchCVOptions) {
    this.options = { scoring: "accuracy", cv: 5, refit: true, ...options };
  }

  /** The search options (estimator, paramGrid, scoring, cv, refit). */
  getParams(): GridSearchCVOptions {
    return { ...this.options };
  }

  /** Cross-validates every candidate on the same folds, ranks them and refits the best one. */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const { estimator, paramGrid, scoring, cv, refit } = this.options;
    const data = checkXy(X, y, this.estimatorName);
    const candidates = parameterGrid(paramGrid);
    const folds = resolveFolds(cv, data.y);
    const results: GridSearchResults = {
      params: candidates,
      splitTestScores: [],
      meanTestScore: [],
      stdTestScore: [],
      rankTestScore: [],
      meanFitTime: [],
    };
    for (const params of candidates) {
      // Parameters are set on the clone before fitting so invalid values surface as the estimator's own errors.
      const factory = (): Classifier => cloneEstimator(estimator).setParams(params);
      const cvResult = crossValidate(factory, data.X, data.y, { cv: folds, scoring });
      results.splitTestScores.push(cvResult.testScore);
      results.meanTestScore.push(cvResult.mean);
      results.stdTestScore.push(cvResult.std);
      results.meanFitTime.push(cvResult.fitTime.reduce((a, b) => a + b, 0) / folds.length);
    }
    // A NaN mean (failed scorer) ranks last, as in sklearn.
    const means = results.meanTestScore.map((m) => (Number.isNaN(m) ? -Infinity : m));
    results.rankTestScore = means.map((m) => 1 + means.filter((other) => other > m).length);
    this.bestIndex_ = results.rankTestScore.indexOf(1);
    this.bestParams_ = candidates[this.bestIndex_];
    this.bestScore_ = results.meanTestScore[this.bestIndex_];
    this.cvResults_ = results;
    this.nSplits_ = folds.length;
    this.bestEstimator_ = refit
      ? cloneEstimator(estimator).setParams(this.bestParams_).fit(data.X, data.y)
      : undefined;
    return this;
  }

  private best(): Classifier {
    if (this.bestEstimator_ === undefined) throw new NotFittedError(this.estimatorName);
    return this.bestEstimator_;
  }

  /** Classes of the refitted best model. */
  get classes_(): Label[] | undefined {
    return this.bestEstimator_?.classes_;
  }

  /** Predicts with the refitted best model. */
  predict(X: Matrix): Label[] {
    return this.best().predict(X);
  }

  /** Probabilities from the refitted best model (when it has them). */
  predictProba(X: Matrix): DenseMatrix<Float64Array> {
    const best = this.best();
    if (best.predictProba === undefined) {
      throw invalidParameterError("bestEstimator_", "an estimator with predictProba", best.estimatorName);
    }
    return best.predictProba(X);
  }

  /** Decision scores from the refitted best model (when it has them). */
  decisionFunction(X: Matrix): DenseMatrix<Float64Array> {
    const best = this.best();
    if (best.decisionFunction === undefined) {
      throw invalidParameterError("bestEstimator_", "an estimator with decisionFunction", best.estimatorName);
    }
    return best.decisionFunction(X);
  }
}
