/**
 * `vidmae/classify`: scikit-learn-style estimators, pipelines and their SPEC, cross-validation, metrics, saved model files.
 *
 * @example
 * import { LogisticRegression, Pipeline, StandardScaler } from "vidmae/classify";
 * const pipe = new Pipeline([["scale", new StandardScaler()], ["clf", new LogisticRegression()]]);
 * pipe.fit([[0, 1], [1, 0], [9, 8], [8, 9]], ["cat", "cat", "dog", "dog"]);
 * console.log(pipe.predict([[1, 1], [9, 9]])); // → [ 'cat', 'dog' ]
 */
export { type Label, type Estimator, type Transformer, type Classifier } from "./base.js";
export { ESTIMATORS, estimatorFromJSON } from "./registry.js";
export { StandardScaler } from "./preprocessing/standard-scaler.js";
export { Normalizer } from "./preprocessing/normalizer.js";
export { PCA } from "./decomposition/pca.js";
export { LinearDiscriminantAnalysis } from "./discriminant/lda.js";
export { LogisticRegression } from "./linear/logistic-regression.js";
export { LinearSVC } from "./linear/linear-svc.js";
export { KNeighborsClassifier } from "./neighbors/k-neighbors.js";
export { NearestCentroid } from "./neighbors/nearest-centroid.js";
export { MLPClassifier } from "./neural-network/mlp.js";
export { Pipeline, type PipelineStep } from "./pipeline.js";
export { StratifiedKFold, type Fold } from "./model-selection/stratified-k-fold.js";
export {
  crossValidate,
  type CrossValidateOptions,
  type CrossValidateResult,
} from "./model-selection/cross-validation.js";
export { GridSearchCV, parameterGrid } from "./model-selection/grid-search.js";
export { cloneEstimator } from "./clone.js";
export {
  accuracyScore,
  balancedAccuracyScore,
  topKAccuracyScore,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  f1Score,
  confusionMatrix,
  classificationReport,
} from "./metrics/classification.js";
export {
  DEFAULT_PIPELINE_SPEC,
  PIPELINE_STEPS,
  parsePipelineSpec,
  pipelineFromSpec,
  sklearnName,
  type SpecStep,
  type SpecValue,
} from "./spec.js";
export {
  classScores,
  crossValidationFolds,
  evaluateClassifier,
  formatEvaluation,
  holdOutFolds,
  probabilities,
  withTestSet,
  type Evaluation,
  type EvaluationReport,
  type FoldReport,
} from "./evaluate.js";
export { MODEL_FILE_FORMAT, SavedModel, type ModelFile, type ModelPrediction } from "./model-file.js";
export {
  embedVideoFeatures,
  loadArrayData,
  loadLabelledData,
  loadStoreData,
  loadStoreFeatures,
  readFeatures,
  readLabelsFile,
  type DataSource,
  type LabelledData,
} from "./dataset.js";
export { type DenseMatrix, type Matrix } from "../numeric/matrix.js";
export { RandomState } from "../numeric/random-state.js";
export { readNpy, writeNpy, parseNpy, encodeNpy } from "../io/npy.js";
