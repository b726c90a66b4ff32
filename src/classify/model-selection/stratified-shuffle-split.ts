/**
 * One stratified random train/test split, drawn exactly as scikit-learn 1.2's `StratifiedShuffleSplit` (and so
 * `train_test_split(..., stratify=y)`) draws it from a numpy `RandomState`: per-class counts by sklearn's
 * `_approximate_mode`, ties broken with the same random draws, then shuffled index lists.
 */
import { VidmaeError } from "../../errors.js";
import type { Label } from "../base.js";
import type { RandomState } from "../../numeric/random-state.js";
import { compareLabels } from "../validation.js";

/**
 * Splits `total` draws over classes in proportion to `counts`, rounding down and then handing the leftovers to
 * the largest fractional parts (ties among them broken at random), as sklearn's `_approximate_mode`.
 */
function approximateMode(counts: number[], draws: number, rng: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((a, b) => a + b, 0);
  const remainder = continuous.map((c, i) => c - floored[i]);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (needToAdd <= 0) break;
    const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
    const addNow = Math.min(tied.length, needToAdd);
    // numpy's choice(tied, addNow, replace=False) = the first addNow entries of a permutation.
    const picked = rng.permutation(tied.length).subarray(0, addNow);
    for (const p of picked) floored[tied[p]]++;
    needToAdd -= addNow;
  }
  return floored;
}

/**
 * Draws a stratified split of `keys.length` samples with `nTest` test samples.
 *
 * @param keys - one class key per sample; classes are ordered as numpy sorts them
 * @param nTest - test-set size (sklearn: `ceil(test_size * n)`)
 * @throws VidmaeError E_DATA when a class has one member, or either side is smaller than the number of classes
 * @example
 * const { train, test } = stratifiedShuffleSplit(y, Math.ceil(0.1 * y.length), new RandomState(0));
 */
export function stratifiedShuffleSplit(
  keys: readonly Label[],
  nTest: number,
  rng: RandomState,
): { train: number[]; test: number[] } {
  const n = keys.length;
  const nTrain = n - nTest;
  const classes = [...new Set(keys)].sort(compareLabels);
  const classOf = new Map(classes.map((key, c) => [key, c]));
  // Members of each class in ascending sample order (sklearn's stable argsort of the class indices).
  const members: number[][] = classes.map(() => []);
  keys.forEach((key, i) => members[classOf.get(key)!].push(i));
  const counts = members.map((m) => m.length);
  if (Math.min(...counts) < 2) {
    throw new VidmaeError(
      "E_DATA",
      "The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.",
    );
  }
  if (nTrain < classes.length) {
    throw new VidmaeError(
      "E_DATA",
      `The train_size = ${nTrain} should be greater or equal to the number of classes = ${classes.length}`,
    );
  }
  if (nTest < classes.length) {
    throw new VidmaeError(
      "E_DATA",
      `The test_size = ${nTest} should be greater or equal to the number of classes = ${classes.length}`,
    );
  }
  const nTrainPerClass = approximateMode(counts, nTrain, rng);
  const nTestPerClass = approximateMode(
    counts.map((c, k) => c - nTrainPerClass[k]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, k) => {
    const order = Array.from(rng.permutation(rows.length), (p) => rows[p]);
    train.push(...order.slice(0, nTrainPerClass[k]));
    test.push(...order.slice(nTrainPerClass[k], nTrainPerClass[k] + nTestPerClass[k]));
  });
  const shuffled = (rows: number[]): number[] => Array.from(rng.permutation(rows.length), (p) => rows[p]);
  return { train: shuffled(train), test: shuffled(test) };
}
