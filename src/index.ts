/**
 * vidmae: video classification on VideoMAE embeddings for Node.js — the typed public API.
 *
 * @example
 * import { VideoMAE } from "vidmae";
 * const model = await VideoMAE.load("MCG-NJU/videomae-base-finetuned-kinetics");
 * const { meanPooled, logits } = await model.forward({ data: pixels, dims: [1, 16, 3, 224, 224] });
 * model.topK(logits!, 5);
 */
export { ERROR_CODES, NotFittedError, VidmaeError, invalidParameterError, type ErrorCode } from "./errors.js";
export { VERSION } from "./version.js";

// Model: checkpoints, graph, runtime, hub.
export {
  VideoMAE,
  type ExecutionProvider,
  type Float32Tensor,
  type ForwardOptions,
  type ForwardResult,
  type ModelOptions,
} from "./model/videomae/model.js";
export { loadCheckpoint, type Checkpoint } from "./model/videomae/checkpoint.js";
export { loadVideoMAEConfig, parseVideoMAEConfig, type VideoMAEConfig } from "./model/videomae/config.js";
export { type CheckpointKind } from "./model/videomae/keys.js";
export { writeRandomCheckpoint, type RandomCheckpointOptions } from "./model/videomae/random.js";
export { sinusoidTable } from "./model/videomae/position.js";
export {
  pullModel,
  isRepoId,
  type PullOptions,
  type PullProgress,
  type PullResult,
} from "./model/hub/pull.js";
export { resolveModelDir } from "./model/hub/resolve.js";
export { hubCacheDir } from "./model/hub/settings.js";
export {
  readSafetensors,
  parseSafetensors,
  writeSafetensors,
  encodeSafetensors,
} from "./model/weights/safetensors.js";
export { readTorchBin } from "./model/weights/torch-bin.js";
export { fromFloat32, toFloat32, type DType, type RawTensor } from "./model/weights/tensor.js";

// Video: probing, exact frame decoding, clip sampling.
export { probeVideo, type VideoInfo, type ProbeOptions } from "./video/probe.js";
export { decodeFrames, decodeAllFrames, type DecodedFrames, type DecodeOptions } from "./video/decode.js";
export {
  sampleClips,
  uniformIndices,
  clipIndices,
  type SamplingOptions,
  type SampledClips,
} from "./video/sampling.js";
export { findVideoFiles, VIDEO_EXTENSIONS } from "./video/files.js";

// Preprocessing: HF VideoMAEImageProcessor, exactly.
export { VideoMAEImageProcessor, type CropOffset, type OutputSize } from "./preprocess/image-processor.js";
export {
  loadPreprocessorConfig,
  parsePreprocessorConfig,
  DEFAULT_PREPROCESSOR_CONFIG,
  type PreprocessorConfig,
} from "./preprocess/config.js";
export { processorForModel } from "./preprocess/for-model.js";
export { resizeRgb } from "./preprocess/resize.js";
export { contactSheet } from "./preprocess/contact-sheet.js";

// Embedding: clips → vectors, collections → stores.
export { prepareVideo, type ClipSpec, type ClipInfo, type PreparedVideo } from "./embed/clips.js";
export {
  Embedder,
  resolvePooling,
  type EmbedOptions,
  type EmbedOutcome,
  type VideoEmbedding,
  type ClipEmbedding,
  type Pooling,
} from "./embed/embedder.js";
export {
  embedCollection,
  type CollectionOptions,
  type EmbedEvent,
  type EmbedSummary,
  type LabelSource,
} from "./embed/collection.js";
export { readLabelsCsv } from "./embed/labels.js";
export { spaceSpecFor, embedderForSpace } from "./embed/space.js";

// The embedding space: what made a vector, its key, and whether two vectors may be compared.
export {
  POOLINGS,
  PRECISIONS,
  keyedSpace,
  normalizeSpaceSpec,
  spaceKey,
  type EmbeddingSpace,
  type EmbeddingSpaceSpec,
  type KeyedSpace,
  type SamplingSpec,
} from "./space/spec.js";
export { assertSameSpace, describeSpace, type SpaceMismatch } from "./space/compare.js";
export { embedSettingsFor, samplingSpecFor, type EmbedSettings } from "./space/sampling.js";

// Store.
export { SqliteStore } from "./store/sqlite.js";
export { PgStore, isPostgresUrl, redactUrl, type PgStoreOptions } from "./store/postgres.js";
export { openStore, selectSpace } from "./store/open.js";
export {
  exportEmbeddings,
  type ExportOptions,
  type ExportResult,
  type ExportFormat,
} from "./store/export.js";
export type {
  EmbeddingStore,
  VideoFile,
  VideoRecord,
  VideoStatus,
  ClipRecord,
  LoadedVectors,
  VectorRow,
  VectorLevel,
  SpaceCounts,
} from "./store/types.js";

// Distributed embedding: Redis + BullMQ queue, workers, status.
export { distributeCollection, type DistributeOptions, type DistributedSummary } from "./distributed/run.js";
export {
  enqueueCollection,
  type EnqueueOptions,
  type EnqueuedRun,
  type RunJob,
} from "./distributed/enqueue.js";
export { waitForRun, type WaitOptions } from "./distributed/wait.js";
export { runWorker, type WorkerOptions, type WorkerEvent, type RunningWorker } from "./distributed/worker.js";
export { EmbedQueue, type QueueConnectOptions } from "./distributed/queue.js";
export { queueStatus, formatQueueStatus, type QueueStatus, type FailedJob } from "./distributed/status.js";
export { embedJobSchema, parseEmbedJob, type EmbedJob } from "./distributed/job.js";
export { DEFAULT_QUEUE_NAME, jobIdFor } from "./distributed/names.js";
export { type WorkerSnapshot } from "./distributed/stats.js";

// Estimators with scikit-learn's contract.
export { type DenseMatrix, type Matrix } from "./numeric/matrix.js";
export { type Label, type Estimator, type Transformer, type Classifier } from "./classify/base.js";
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
export { StratifiedKFold, type Fold } from "./classify/model-selection/stratified-k-fold.js";
export {
  crossValidate,
  type CrossValidateOptions,
  type CrossValidateResult,
} from "./classify/model-selection/cross-validation.js";
export { GridSearchCV, parameterGrid } from "./classify/model-selection/grid-search.js";
export { cloneEstimator } from "./classify/clone.js";
export { RandomState } from "./numeric/random-state.js";
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
} from "./classify/metrics/classification.js";
export { readNpy, writeNpy, parseNpy, encodeNpy } from "./io/npy.js";

// Training, evaluation, saved models (vidmae train / evaluate / predict).
export {
  DEFAULT_PIPELINE_SPEC,
  PIPELINE_STEPS,
  parsePipelineSpec,
  pipelineFromSpec,
  sklearnName,
  type SpecStep,
  type SpecValue,
} from "./classify/spec.js";
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
} from "./classify/evaluate.js";
export {
  MODEL_FILE_FORMAT,
  SavedModel,
  type ModelFile,
  type ModelPrediction,
} from "./classify/model-file.js";
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
} from "./classify/dataset.js";
// The end-to-end demo (vidmae demo).
export { runDemo, type DemoMapHook, type DemoOptions, type DemoResult } from "./demo/run.js";
export {
  DEMO_CLASSES,
  makeDemoVideos,
  type DemoClass,
  type DemoVideo,
  type DemoVideoOptions,
} from "./demo/videos.js";
export {
  DEMO_PRETRAINED_MODEL,
  DEMO_RANDOM_CONFIG,
  chooseDemoModel,
  type DemoModelChoice,
  type DemoModelOptions,
} from "./demo/model.js";
export { pixelFeatures, type PixelFeatureOptions } from "./demo/pixels.js";
export {
  compareMethods,
  demoMethods,
  formatDemoTable,
  type DemoFeatures,
  type DemoRow,
} from "./demo/compare.js";

// Similarity: exact and approximate nearest neighbours, near-duplicates, moments.
export { ExactIndex, exactSearch, type Neighbors } from "./search/exact.js";
export { AnnIndex, annIndexPath, updateAnnIndex, type AnnOptions, type AnnSpace } from "./search/ann.js";
export {
  similarVideos,
  nearDuplicates,
  searchMoments,
  DEFAULT_DUPLICATE_THRESHOLD,
  type SimilarHit,
  type SimilarOptions,
  type DuplicateGroup,
  type Moment,
} from "./search/similar.js";
export { METRICS, type Metric } from "./search/validate.js";

// Maps of the embedding space.
export {
  projectEmbeddings,
  MAP_METHODS,
  type MapMethod,
  type MapModel,
  type PlaceInput,
  type ProjectOptions,
  type Projection,
} from "./map/project.js";
export {
  buildMapData,
  COLOR_BY,
  type ColorBy,
  type MapData,
  type MapOptions,
  type MapPoint,
} from "./map/map-data.js";
export { legendFor, type LegendEntry } from "./map/colors.js";
export { makeThumbnails, videoThumbnail, type ThumbnailOptions } from "./map/thumbnails.js";
export { renderHtml } from "./map/render-html.js";
export { renderSvg, type SvgOptions } from "./map/render-svg.js";
export { renderPng } from "./map/render-png.js";
export { writeMap, mapFormat, MAP_FORMATS, type MapFormat, type WriteMapOptions } from "./map/write-map.js";

// HTTP service.
export { buildApp, type AppDeps } from "./server/app.js";
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from "./server/context.js";
export { startServer, closeOnSignals, type RunningServer, type ListenOptions } from "./server/main.js";
export { InferenceQueue, type QueueOptions, type QueueStats } from "./server/queue.js";
export { HttpError, SERVER_ERROR_CODES, type HttpErrorCode } from "./server/http-errors.js";
