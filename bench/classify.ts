/**
 * Timing of the classify estimators on the real workload's shape: 10 000 synthetic 768-d embeddings in 10
 * classes (Gaussian clusters). Add an estimator by appending a row to ESTIMATORS.
 */
import type { Classifier, Estimator, Transformer } from "../src/classify/base.js";
import type { DenseMatrix } from "../src/numeric/matrix.js";
import { KNeighborsClassifier } from "../src/classify/neighbors/k-neighbors.js";
import { LinearDiscriminantAnalysis } from "../src/classify/discriminant/lda.js";
import { LinearSVC } from "../src/classify/linear/linear-svc.js";
import { LogisticRegression } from "../src/classify/linear/logistic-regression.js";
import { MLPClassifier } from "../src/classify/neural-network/mlp.js";
import { NearestCentroid } from "../src/classify/neighbors/nearest-centroid.js";
import { Normalizer } from "../src/classify/preprocessing/normalizer.js";
import { PCA } from "../src/classify/decomposition/pca.js";
import { RandomState } from "../src/numeric/random-state.js";
import { StandardScaler } from "../src/classify/preprocessing/standard-scaler.js";

/**
 * Estimators to time: transformers are timed on fit and transform, classifiers on fit and predict. A third
 * entry limits the rows predict/transform runs on (named in the row's key).
 */
export const ESTIMATORS: [name: string, make: () => Estimator, applyRows?: number][] = [
  ["StandardScaler", () => new StandardScaler()],
  ["Normalizer", () => new Normalizer()],
  ["PCA", () => new PCA({ nComponents: 64 })],
  ["LinearDiscriminantAnalysis", () => new LinearDiscriminantAnalysis()],
  ["LogisticRegression", () => new LogisticRegression()],
  ["LinearSVC", () => new LinearSVC()],
  // Exact search: each query row is 10k × 768 multiply-adds, so predict runs on the first 1000 rows only.
  // Float64 JS tiles took 3.7–7.9 s here; native float32 candidates re-ranked in float64 take ~0.7 s (1.0 s
  // with the kernel worker's start-up).
  ["KNeighborsClassifier", () => new KNeighborsClassifier(), 1000],
  ["NearestCentroid", () => new NearestCentroid()],
  // A few epochs only: each epoch is ~1.5 G multiply-adds at this size.
  ["MLPClassifier", () => new MLPClassifier({ maxIter: 5 })],
];

/** A standard normal deviate (Box–Muller). */
function gaussian(rng: RandomState): number {
  return Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
}

/** Gaussian clusters: class c is centred at a random point, with unit noise. */
function syntheticData(rows: number, cols: number, classes: number, seed = 0) {
  const rng = new RandomState(seed);
  const gauss = () => gaussian(rng);
  const centres = Float64Array.from({ length: classes * cols }, () => 0.5 * gauss());
  const data = new Float32Array(rows * cols);
  const y: string[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    y.push(`class${c}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = centres[c * cols + j] + gauss();
  }
  const X: DenseMatrix = { data, rows, cols };
  return { X, y };
}

function seconds(run: () => unknown): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/**
 * Fits and applies every estimator of {@link ESTIMATORS} once on 10k × 768, 10-class data.
 *
 * @returns seconds per step, keyed `"<name>.fit"` and `"<name>.predict"` / `"<name>.transform"` (with
 *   `" (N rows)"` when limited)
 * @example
 * console.table(await benchClassify());
 */
export async function benchClassify(): Promise<Record<string, number>> {
  const { X, y } = syntheticData(10_000, 768, 10);
  const timings: Record<string, number> = {};
  for (const [name, make, applyRows] of ESTIMATORS) {
    const estimator = make();
    timings[`${name}.fit`] = seconds(() => (estimator as Classifier).fit(X, y));
    const rows = applyRows ?? X.rows;
    const Xapply: DenseMatrix = { data: X.data.subarray(0, rows * X.cols), rows, cols: X.cols };
    const suffix = applyRows === undefined ? "" : ` (${rows} rows)`;
    if ("predict" in estimator)
      timings[`${name}.predict${suffix}`] = seconds(() => (estimator as Classifier).predict(Xapply));
    else timings[`${name}.transform${suffix}`] = seconds(() => (estimator as Transformer).transform(Xapply));
  }
  return timings;
}
