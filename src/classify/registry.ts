/**
 * Every estimator vidmae can save and revive, by name: one explicit table (no registration by import side
 * effect), so a saved model names one of these and nothing else can be revived.
 */
import { invalidParameterError } from "../errors.js";
import { parseEstimatorJSON, type Estimator, type EstimatorClass } from "./base.js";
import { PCA } from "./decomposition/pca.js";
import { LinearDiscriminantAnalysis } from "./discriminant/lda.js";
import { LinearSVC } from "./linear/linear-svc.js";
import { LogisticRegression } from "./linear/logistic-regression.js";
import { KNeighborsClassifier } from "./neighbors/k-neighbors.js";
import { NearestCentroid } from "./neighbors/nearest-centroid.js";
import { MLPClassifier } from "./neural-network/mlp.js";
import { Pipeline } from "./pipeline.js";
import { Normalizer } from "./preprocessing/normalizer.js";
import { StandardScaler } from "./preprocessing/standard-scaler.js";

/**
 * The estimators a JSON document may name (its `estimator` field), beside `Pipeline`, whose steps are revived
 * through this same table.
 *
 * @example
 * Object.keys(ESTIMATORS); // ["StandardScaler", "Normalizer", "PCA", …]
 */
export const ESTIMATORS: Readonly<Record<string, EstimatorClass>> = {
  StandardScaler,
  Normalizer,
  PCA,
  LinearDiscriminantAnalysis,
  LogisticRegression,
  LinearSVC,
  KNeighborsClassifier,
  NearestCentroid,
  MLPClassifier,
};

/**
 * Revives an estimator or a pipeline from its JSON, dispatching on the `estimator` name.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for a malformed JSON or an estimator name not in {@link ESTIMATORS}
 * @example
 * const model = estimatorFromJSON(JSON.parse(fs.readFileSync("model.json", "utf8")));
 */
export function estimatorFromJSON(json: unknown): Estimator {
  const { estimator } = parseEstimatorJSON(json);
  if (estimator === "Pipeline") return Pipeline.fromJSON(json, estimatorFromJSON);
  const cls = Object.hasOwn(ESTIMATORS, estimator) ? ESTIMATORS[estimator] : undefined;
  if (cls === undefined)
    throw invalidParameterError(
      "json.estimator",
      `one of: ${[...Object.keys(ESTIMATORS), "Pipeline"].sort().join(", ")}`,
      estimator,
    );
  return cls.fromJSON(json);
}
