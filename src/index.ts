/**
 * vidmae: video classification on VideoMAE embeddings for Node.js — the main public API: the one-call helpers
 * first, then the core classes. Everything else of a layer is on its subpath (`vidmae/model`, `vidmae/video`,
 * `vidmae/preprocess`, `vidmae/space`, `vidmae/store`, `vidmae/embed`, `vidmae/classify`, `vidmae/search`,
 * `vidmae/map`, `vidmae/distributed`, `vidmae/demo`, `vidmae/server`). Importing it has no side effects: native
 * add-ons and FFmpeg load when first used. See docs/library.md.
 *
 * @example
 * import { classifyVideo, embedVideo, similarVideos } from "vidmae";
 * const { vector, clips } = await embedVideo("cat.mp4", { model: "MCG-NJU/videomae-base" });
 * const labels = await classifyVideo("cat.mp4", { model: "MCG-NJU/videomae-base-finetuned-kinetics", k: 3 });
 * const near = await similarVideos("cat.mp4", { db: "vidmae.db", k: 5 });
 */

// One-call helpers.
export {
  classifyVideo,
  embedVideo,
  similarVideos,
  type ClassifyVideoOptions,
  type ClipVector,
  type EmbedVideoOptions,
  type HeadLabel,
  type LoadOptions,
  type ModelSource,
  type SimilarVideo,
  type SimilarVideosOptions,
  type VideoVectors,
} from "./helpers/index.js";

// Errors and version.
export { ERROR_CODES, NotFittedError, VidmaeError, invalidParameterError, type ErrorCode } from "./errors.js";
export { VERSION } from "./version.js";

// The model: checkpoints (folders or hub ids) on onnxruntime.
export {
  VideoMAE,
  type ExecutionProvider,
  type Float32Tensor,
  type ForwardOptions,
  type ForwardResult,
  type ModelOptions,
} from "./model/videomae/model.js";
export { pullModel, type PullOptions, type PullProgress, type PullResult } from "./model/hub/pull.js";
export { loadCheckpoint, type Checkpoint } from "./model/videomae/checkpoint.js";
export { writeRandomCheckpoint, type RandomCheckpointOptions } from "./model/videomae/random.js";
export { readSafetensors } from "./model/weights/safetensors.js";

// Embedding: clips → vectors, collections → stores.
export {
  Embedder,
  type ClipEmbedding,
  type EmbedOptions,
  type EmbedOutcome,
  type Pooling,
  type VideoEmbedding,
} from "./embed/embedder.js";
export {
  embedCollection,
  type CollectionOptions,
  type EmbedEvent,
  type EmbedSummary,
  type LabelSource,
} from "./embed/collection.js";
export { readLabelsCsv } from "./embed/labels.js";
export { describeSpace } from "./space/compare.js";
export type { EmbeddingSpace, EmbeddingSpaceSpec } from "./space/spec.js";

// The store.
export { openStore, selectSpace } from "./store/open.js";
export { exportEmbeddings, type ExportOptions, type ExportResult } from "./store/export.js";
export type { EmbeddingStore, LoadedVectors, VectorLevel, VectorRow, VideoRecord } from "./store/types.js";

// Estimators with scikit-learn's contract, pipelines and saved classifiers.
export { type DenseMatrix, type Matrix } from "./numeric/matrix.js";
export { type Classifier, type Estimator, type Label, type Transformer } from "./classify/base.js";
export { ESTIMATORS, estimatorFromJSON } from "./classify/registry.js";
export { StandardScaler } from "./classify/preprocessing/standard-scaler.js";
export { Normalizer } from "./classify/preprocessing/normalizer.js";
export { PCA } from "./classify/decomposition/pca.js";
export { LinearDiscriminantAnalysis } from "./classify/discriminant/lda.js";
export { LogisticRegression } from "./classify/linear/logistic-regression.js";
export { LinearSVC } from "./classify/linear/linear-svc.js";
export { KNeighborsClassifier } from "./classify/neighbors/k-neighbors.js";
export { NearestCentroid } from "./classify/neighbors/nearest-centroid.js";
export { MLPClassifier } from "./classify/neural-network/mlp.js";
export { Pipeline, type PipelineStep } from "./classify/pipeline.js";
export { crossValidate, type CrossValidateResult } from "./classify/model-selection/cross-validation.js";
export { parsePipelineSpec, pipelineFromSpec } from "./classify/spec.js";
export { SavedModel, type ModelPrediction } from "./classify/model-file.js";
export { accuracyScore, classificationReport } from "./classify/metrics/classification.js";

// Search over stored vectors.
export { ExactIndex, exactSearch, type Neighbors } from "./search/exact.js";
export {
  nearDuplicates,
  searchMoments,
  type DuplicateGroup,
  type Moment,
  type SimilarHit,
} from "./search/similar.js";
export { METRICS, type Metric } from "./search/validate.js";
