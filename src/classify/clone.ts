/**
 * sklearn's `clone`: a fresh, unfitted estimator with the same hyper-parameters, so cross-validation and grid
 * search never reuse learned state between fits.
 */
import type { Estimator } from "./base.js";

/**
 * Returns an unfitted copy of `estimator` with equal hyper-parameters. Estimators with their own `clone`
 * (a Pipeline clones its steps) use it; others are rebuilt as `new Constructor(getParams())`.
 *
 * @example
 * const fresh = cloneEstimator(new LogisticRegression({ C: 0.5 }).fit(X, y));
 * fresh.getParams().C; // 0.5, and fresh.nFeaturesIn_ === undefined
 */
export function cloneEstimator<T extends Estimator>(estimator: T): T {
  const cloneable = estimator as T & { clone?: () => T };
  if (typeof cloneable.clone === "function") return cloneable.clone();
  const Constructor = estimator.constructor as new (options: Record<string, unknown>) => T;
  // Arrays are copied so the two estimators never share a mutable option (e.g. hiddenLayerSizes).
  const params = Object.fromEntries(
    Object.entries(estimator.getParams()).map(([key, value]) => [
      key,
      Array.isArray(value) ? [...value] : value,
    ]),
  );
  return new Constructor(params);
}
