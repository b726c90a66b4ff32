/**
 * The demo's comparison: simple classifiers on VideoMAE embeddings against the textbook reductions (PCA, LDA)
 * of raw downsampled pixels, all fitted and scored on one and the same stratified split.
 */
import type { Label } from "../classify/base.js";
import type { Matrix } from "../numeric/matrix.js";
import { evaluateClassifier } from "../classify/evaluate.js";
import { pipelineFromSpec } from "../classify/spec.js";
import type { Fold } from "../classify/model-selection/stratified-k-fold.js";
import { toDense } from "../classify/validation.js";

/** Which features a method reads. */
export type DemoFeatures = "embeddings" | "pixels";

/**
 * One row of the demo's table: the pipeline SPEC, its features, their dimension, the dimension the classifier
 * works in, and test-set scores.
 *
 * @example
 * const row: DemoRow = { method: "lda", features: "pixels", input_dims: 2048, dims: 6, accuracy: 0.86, macro_f1: 0.85 };
 */
export interface DemoRow {
  method: string;
  features: DemoFeatures;
  input_dims: number;
  dims: number;
  accuracy: number;
  macro_f1: number;
}

/** A method of the comparison: a SPEC and the dimension its classifier works in. */
interface DemoMethod {
  features: DemoFeatures;
  spec: string;
  dims: number;
}

/**
 * The methods compared: logistic regression and cosine kNN on the embeddings; PCA + logistic regression and
 * the LDA classifier on pixels.
 *
 * @param nTrain - training rows (caps PCA's components)
 * @example
 * demoMethods(120, 2048, 7, 30).map((m) => m.spec);
 */
export function demoMethods(
  embeddingDims: number,
  pixelDims: number,
  classes: number,
  nTrain: number,
): DemoMethod[] {
  const components = Math.min(16, nTrain, pixelDims);
  return [
    {
      features: "embeddings",
      spec: "standard-scaler,logistic-regression(max_iter=1000)",
      dims: embeddingDims,
    },
    { features: "embeddings", spec: "k-neighbors(n_neighbors=3,metric=cosine)", dims: embeddingDims },
    {
      features: "pixels",
      spec: `pca(n_components=${components},whiten=true),logistic-regression(max_iter=1000)`,
      dims: components,
    },
    { features: "pixels", spec: "lda", dims: Math.min(classes - 1, pixelDims) },
  ];
}

/**
 * Fits every method on the fold's training rows of its features and scores it on the fold's test rows;
 * `onProgress` gets the methods done and their number after each.
 *
 * @example
 * const rows = compareMethods({ embeddings, pixels }, labels, fold);
 */
export function compareMethods(
  features: Record<DemoFeatures, Matrix>,
  y: readonly Label[],
  fold: Fold,
  onProgress?: (done: number, total: number) => void,
): DemoRow[] {
  const embeddings = toDense(features.embeddings);
  const pixels = toDense(features.pixels);
  const classes = new Set(y).size;
  const methods = demoMethods(embeddings.cols, pixels.cols, classes, fold.train.length);
  return methods.map(({ features: which, spec, dims }, i) => {
    const X = which === "embeddings" ? embeddings : pixels;
    const { report } = evaluateClassifier(pipelineFromSpec(spec), X, y, [fold]);
    onProgress?.(i + 1, methods.length);
    return {
      method: spec,
      features: which,
      input_dims: X.cols,
      dims,
      accuracy: report.accuracy,
      macro_f1: report.macro_f1,
    };
  });
}

/**
 * The table as text: one row per method, aligned columns.
 *
 * @example
 * process.stdout.write(formatDemoTable(rows));
 * // method                                    features    input dims  dims  accuracy  macro F1
 * // standard-scaler,logistic-regression       embeddings         128   128     0.905     0.901
 */
export function formatDemoTable(rows: readonly DemoRow[]): string {
  const width = Math.max("method".length, ...rows.map((r) => r.method.length)) + 2;
  const header = `${"method".padEnd(width)}${"features".padEnd(12)}${"input dims".padStart(10)}${"dims".padStart(6)}${"accuracy".padStart(10)}${"macro F1".padStart(10)}\n`;
  return (
    header +
    rows
      .map(
        (r) =>
          `${r.method.padEnd(width)}${r.features.padEnd(12)}${String(r.input_dims).padStart(10)}${String(r.dims).padStart(6)}` +
          `${r.accuracy.toFixed(3).padStart(10)}${r.macro_f1.toFixed(3).padStart(10)}\n`,
      )
      .join("")
  );
}
