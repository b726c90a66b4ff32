/**
 * Summation in numpy's order, so means and averages match scikit-learn's to the last bit.
 *
 * numpy's `add.reduce` on a contiguous float64 array sums fewer than 8 values left to right, up to 128 values
 * with 8 interleaved accumulators, and longer arrays by recursive halving (split points multiples of 8).
 */

const BLOCK = 128;

function pairwiseRange(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= BLOCK) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseRange(values, start, half) + pairwiseRange(values, start + half, n - half);
}

/**
 * Sums `values` exactly as `numpy.sum` does for a 1-D float64 array.
 *
 * @example
 * pairwiseSum([0.1, 0.2, 0.3]); // 0.6000000000000001, like np.sum
 */
export function pairwiseSum(values: ArrayLike<number>): number {
  return pairwiseRange(values, 0, values.length);
}

/**
 * Arithmetic mean as `numpy.mean` computes it (pairwise sum, then one division); NaN for no values.
 *
 * @example
 * pairwiseMean([1, 2, 4]); // 2.3333333333333335
 */
export function pairwiseMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/**
 * Population standard deviation (ddof = 0) as `numpy.std` computes it.
 *
 * @example
 * pairwiseStd([1, 2, 3, 4]); // 1.118033988749895
 */
export function pairwiseStd(values: ArrayLike<number>): number {
  const mean = pairwiseMean(values);
  const squares = Array.from(values, (v) => (v - mean) * (v - mean));
  return Math.sqrt(pairwiseMean(squares));
}
