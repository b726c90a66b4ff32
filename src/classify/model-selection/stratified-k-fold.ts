/**
 * StratifiedKFold: k folds that each hold about the same share of every class, allocated exactly as
 * scikit-learn 1.2 allocates them; with `shuffle` and an integer `randomState` the folds are identical to
 * sklearn's, because the shuffle replays numpy's `RandomState` stream.
 */

import { VidmaeError, invalidParameterError } from "../../errors.js";
import type { Label } from "../base.js";
import { RandomState } from "../../numeric/random-state.js";

/**
 * One train/test split: row indices into the data, each list ascending.
 *
 * @example
 * const fold: Fold = { train: [0, 2, 3], test: [1] };
 */
export interface Fold {
  train: number[];
  test: number[];
}

/**
 * Options of {@link StratifiedKFold} (sklearn's `n_splits`, `shuffle`, `random_state`).
 *
 * @example
 * new StratifiedKFold({ nSplits: 10, shuffle: true, randomState: 42 });
 */
export interface StratifiedKFoldOptions {
  /** Number of folds, at least 2; default 5. */
  nSplits?: number;
  /** Shuffle each class's fold assignment before splitting; default false (data order kept). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle (integer in [0, 2³² − 1]); only allowed with `shuffle`. Omitted or null: seed 0, so
   * shuffled folds are reproducible by default (sklearn's None would draw a fresh seed).
   */
  randomState?: number | null;
}

/**
 * Stratified k-fold cross-validator.
 *
 * @example
 * const folds = new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 0 }).split(y);
 * for (const { train, test } of folds) { ... }
 */
export class StratifiedKFold {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly randomState: number | null;

  constructor(options: StratifiedKFoldOptions = {}) {
    const { nSplits = 5, shuffle = false, randomState } = options;
    if (!Number.isSafeInteger(nSplits) || nSplits < 2) {
      throw invalidParameterError("nSplits", "integer of at least 2", nSplits);
    }
    if (typeof shuffle !== "boolean") throw invalidParameterError("shuffle", "boolean", shuffle);
    if (!shuffle && randomState !== undefined && randomState !== null) {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        "Setting a randomState has no effect since shuffle is false. Leave randomState undefined, or set shuffle to true.",
      );
    }
    this.nSplits = nSplits;
    this.shuffle = shuffle;
    this.randomState = randomState ?? null;
    if (shuffle) new RandomState(this.randomState ?? 0); // validates the seed now rather than at split time
  }

  /**
   * The fold each sample is tested in (sklearn's `_make_test_folds`).
   *
   * @throws VidmaeError E_DATA when there are fewer samples than folds, or every class has fewer members than folds
   * @example
   * new StratifiedKFold({ nSplits: 2 }).testFolds(["a", "a", "b", "b"]); // Int32Array [0, 1, 0, 1]
   */
  testFolds(y: ArrayLike<Label>): Int32Array {
    const n = y.length;
    if (this.nSplits > n) {
      throw new VidmaeError(
        "E_DATA",
        `Cannot have number of splits nSplits=${this.nSplits} greater than the number of samples: n_samples=${n}.`,
      );
    }
    // Classes are numbered by first appearance, as sklearn does before allocating.
    const classOf = new Map<Label, number>();
    const encoded = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let k = classOf.get(y[i]);
      if (k === undefined) classOf.set(y[i], (k = classOf.size));
      encoded[i] = k;
    }
    const counts = new Array<number>(classOf.size).fill(0);
    for (const k of encoded) counts[k]++;
    if (counts.every((c) => this.nSplits > c)) {
      throw new VidmaeError(
        "E_DATA",
        `nSplits=${this.nSplits} cannot be greater than the number of members in each class.`,
      );
    }
    // Deal the class-sorted samples round-robin: fold f gets the sorted positions f, f + nSplits, …
    const allocation = Array.from({ length: this.nSplits }, () => new Array<number>(counts.length).fill(0));
    let position = 0;
    counts.forEach((count, k) => {
      for (let c = 0; c < count; c++, position++) allocation[position % this.nSplits][k]++;
    });
    const rng = this.shuffle ? new RandomState(this.randomState ?? 0) : undefined;
    const folds = new Int32Array(n);
    counts.forEach((count, k) => {
      // Samples of class k get their folds in blocks (0,0,…,1,1,…), shuffled when asked.
      const blocks = new Int32Array(count);
      let at = 0;
      for (let f = 0; f < this.nSplits; f++) for (let c = 0; c < allocation[f][k]; c++) blocks[at++] = f;
      rng?.shuffle(blocks);
      let next = 0;
      for (let i = 0; i < n; i++) if (encoded[i] === k) folds[i] = blocks[next++];
    });
    return folds;
  }

  /**
   * Splits `n = y.length` samples into `nSplits` train/test folds stratified by `y`.
   *
   * @example
   * new StratifiedKFold({ nSplits: 2 }).split(["a", "b", "a", "b"]);
   * // [{ train: [2, 3], test: [0, 1] }, { train: [0, 1], test: [2, 3] }]
   */
  split(y: ArrayLike<Label>): Fold[] {
    const folds = this.testFolds(y);
    return Array.from({ length: this.nSplits }, (_, f) => {
      const fold: Fold = { train: [], test: [] };
      folds.forEach((g, i) => (g === f ? fold.test : fold.train).push(i));
      return fold;
    });
  }

  /**
   * Number of folds `split` returns.
   *
   * @example
   * new StratifiedKFold().getNSplits(); // 5
   */
  getNSplits(): number {
    return this.nSplits;
  }
}
