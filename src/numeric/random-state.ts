/**
 * A seeded Mersenne Twister that reproduces `numpy.random.RandomState(seed)` for integer seeds, so seeded
 * shuffles (StratifiedKFold) and initialisations (MLPClassifier) follow the same streams as scikit-learn.
 */

import { invalidParameterError } from "../errors.js";

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * MT19937 with numpy's legacy seeding and draw methods (`random_sample`, `uniform`, `shuffle`).
 *
 * @example
 * const rng = new RandomState(0);
 * rng.random(); // 0.5488135039273248, same as np.random.RandomState(0).random_sample()
 */
export class RandomState {
  private readonly state = new Uint32Array(N);
  private position = N;

  /** @param seed - integer in [0, 2³² − 1] (numpy's legacy integer seeding) */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalidParameterError("randomState", "integer in [0, 4294967295]", seed);
    }
    this.state[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1] ^ (this.state[i - 1] >>> 30);
      this.state[i] = Math.imul(1812433253, prev) + i;
    }
  }

  private twist(): void {
    const mt = this.state;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.position = 0;
  }

  /**
   * Next raw 32-bit output.
   *
   * @example
   * new RandomState(0).nextUint32(); // 2357136044
   */
  nextUint32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Uniform double in [0, 1) from 53 random bits (numpy's `random_sample`).
   *
   * @example
   * new RandomState(1).random(); // 0.417022004702574
   */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Uniform double in [low, high) (numpy's `uniform`).
   *
   * @example
   * new RandomState(0).uniform(-1, 1); // 0.0976270078546495
   */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /**
   * Uniform integer in [0, max] by masked rejection, as numpy's legacy `random_interval` (max < 2³²).
   *
   * @example
   * new RandomState(0).interval(9); // an integer from 0 to 9
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /**
   * Shuffles in place with numpy's Fisher–Yates order (`RandomState.shuffle` on a 1-D array); returns it.
   *
   * @example
   * new RandomState(0).shuffle([0, 1, 2, 3, 4]); // same order as np.random.RandomState(0).shuffle
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * A shuffled `0 … n − 1` (numpy's `permutation(n)`).
   *
   * @example
   * new RandomState(0).permutation(3); // Int32Array [2, 1, 0], as np.random.RandomState(0).permutation(3)
   */
  permutation(n: number): Int32Array {
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) indices[i] = i;
    return this.shuffle(indices);
  }
}
