/**
 * Timing of the classify estimators on the real workload's shape: 10 000 synthetic 768-d embeddings in 10
 * classes (Gaussian clusters), and scikit-learn's LogisticRegression fit and kNN predict on the same data. Add an
 * estimator by appending a row to ESTIMATORS.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
import { findPython, runReference } from "./python.js";

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

/** The timings compared with scikit-learn: ours, theirs (same data, same run) and ours / theirs. */
const COMPARED = [
  ["LogisticRegression.fit", "LogisticRegression.fit"],
  ["KNeighborsClassifier.predict (1000 rows)", "KNeighborsClassifier.predict"],
] as const;

interface SklearnTimings {
  sklearn: string;
  numpy: string;
  "LogisticRegression.fit": number;
  "LogisticRegression.n_iter": number;
  "KNeighborsClassifier.predict": number;
}

/**
 * scikit-learn on the same data: written to `dir` as raw float32 and label lines, timed by
 * bench/reference/estimators_sklearn.py with the first python3 that has scikit-learn; null when none does.
 */
async function sklearnTimings(
  X: DenseMatrix,
  y: string[],
  dir: string,
  threads: number,
): Promise<{ python: string; timings: SklearnTimings } | { skipped: string }> {
  const py = await findPython(["numpy", "sklearn"]);
  if (!py) return { skipped: "no python3 with scikit-learn (Debian: apt-get install python3-sklearn)" };
  await mkdir(dir, { recursive: true });
  const xPath = join(dir, "X.f32");
  const yPath = join(dir, "y.txt");
  await writeFile(xPath, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  await writeFile(yPath, y.join("\n"));
  const args = ["--x", xPath, "--y", yPath, "--rows", String(X.rows), "--cols", String(X.cols)];
  try {
    return {
      python: py.python,
      timings: await runReference<SklearnTimings>(py.python, "estimators_sklearn.py", args, threads),
    };
  } catch (e) {
    return { skipped: `scikit-learn reference failed: ${(e as Error).message.split("\n")[0]}` };
  }
}

/**
 * Fits and applies every estimator of {@link ESTIMATORS} once on 10k × 768, 10-class data, then times
 * scikit-learn's LogisticRegression fit and kNN predict on the same data in the same run (when python3 has it).
 *
 * @returns seconds per step, keyed `"<name>.fit"` and `"<name>.predict"` / `"<name>.transform"` (with
 *   `" (N rows)"` when limited); `"sklearn <key>"` and `"ours/sklearn <key>"` for the compared steps
 * @example
 * console.table(await benchClassify({ threads: 2, cacheDir: "bench/.cache" }));
 */
export async function benchClassify(opts: {
  threads: number;
  cacheDir: string;
}): Promise<Record<string, number | string | null>> {
  const { X, y } = syntheticData(10_000, 768, 10);
  const timings: Record<string, number | string | null> = {};
  for (const [name, make, applyRows] of ESTIMATORS) {
    const estimator = make();
    const rows = applyRows ?? X.rows;
    const Xapply: DenseMatrix = { data: X.data.subarray(0, rows * X.cols), rows, cols: X.cols };
    const suffix = applyRows === undefined ? "" : ` (${rows} rows)`;
    const apply = "predict" in estimator ? `${name}.predict${suffix}` : `${name}.transform${suffix}`;
    try {
      timings[`${name}.fit`] = seconds(() => (estimator as Classifier).fit(X, y));
      timings[apply] = seconds(() =>
        "predict" in estimator
          ? (estimator as Classifier).predict(Xapply)
          : (estimator as Transformer).transform(Xapply),
      );
    } catch (e) {
      // One broken estimator is reported, and the others (and the rest of the bench) still run.
      timings[`${name}.error`] = (e as Error).message.split("\n")[0];
    }
    if (estimator instanceof LogisticRegression)
      timings["LogisticRegression.n_iter"] = estimator.nIter_ ?? null;
  }
  const ref = await sklearnTimings(X, y, join(opts.cacheDir, "classify"), opts.threads);
  if ("skipped" in ref) {
    timings.sklearn = ref.skipped;
    return timings;
  }
  timings.sklearn = `${ref.timings.sklearn} (numpy ${ref.timings.numpy}, ${ref.python})`;
  timings["sklearn LogisticRegression.n_iter"] = ref.timings["LogisticRegression.n_iter"];
  for (const [ours, theirs] of COMPARED) {
    timings[`sklearn ${ours}`] = ref.timings[theirs];
    const own = timings[ours];
    timings[`ours/sklearn ${ours}`] = typeof own === "number" ? own / ref.timings[theirs] : null;
  }
  return timings;
}
