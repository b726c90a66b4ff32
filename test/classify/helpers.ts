/** Loads the scikit-learn reference fixtures (test/fixtures/sklearn) and compares outputs against them. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DenseMatrix } from "../../src/numeric/matrix.js";
import { readNpy, type NpyArray } from "../../src/io/npy.js";

/** The two reference datasets. */
export const DATASETS = ["iris", "digits"] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Absolute path of a file under test/fixtures/sklearn. */
export function sklearnPath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/sklearn/${relative}`, import.meta.url));
}

/** A fixture `.npy` file. */
export function npy(relative: string): NpyArray {
  return readNpy(sklearnPath(relative));
}

/** A fixture `.npy` file as a matrix (1-D arrays become one column). */
export function matrix(relative: string): DenseMatrix {
  const a = npy(relative);
  if (a.data instanceof BigInt64Array) throw new Error(`${relative} is not float`);
  return { data: a.data, rows: a.shape[0], cols: a.shape[1] ?? 1 };
}

/** A fixture text file, one label per line. */
export function lines(relative: string): string[] {
  return readFileSync(sklearnPath(relative), "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
}

/** Train/test split and labels of a dataset. */
export function dataset(name: DatasetName) {
  return {
    Xtrain: matrix(`${name}/X_train.npy`),
    Xtest: matrix(`${name}/X_test.npy`),
    ytrain: lines(`${name}/y_train.txt`),
    ytest: lines(`${name}/y_test.txt`),
    classes: lines(`${name}/classes.txt`),
  };
}

/** Largest absolute difference between two equally long arrays (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} !== ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * Flips the sign of each column of `got` (n × k) that points away from the matching column of `ref`, as the
 * fixture README prescribes for SVD/eigen-based outputs; returns the aligned copy and the signs.
 */
export function alignColumns(got: DenseMatrix, ref: DenseMatrix): { aligned: Float64Array; signs: number[] } {
  const { rows, cols } = ref;
  const signs: number[] = [];
  for (let c = 0; c < cols; c++) {
    let dot = 0;
    for (let i = 0; i < rows; i++) dot += got.data[i * cols + c] * ref.data[i * cols + c];
    signs.push(dot < 0 ? -1 : 1);
  }
  const aligned = Float64Array.from(got.data, (v, i) => v * signs[i % cols]);
  return { aligned, signs };
}
