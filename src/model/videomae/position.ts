/**
 * VideoMAE's fixed sinusoidal position table (HF `get_sinusoid_encoding_table`): computed, never loaded, so
 * any token count works.
 */

/**
 * The [tokens, dim] table, computed in float64 and rounded to float32 as HF does:
 * angle(pos, j) = pos / 10000^(2·⌊j/2⌋/dim); sin on even j, cos on odd j.
 *
 * @example
 * sinusoidTable(2, 4); // Float32Array [0, 1, 0, 1, sin(1), cos(1), sin(0.01), cos(0.01)]
 */
export function sinusoidTable(tokens: number, dim: number): Float32Array {
  const out = new Float32Array(tokens * dim);
  const inv = Array.from({ length: dim }, (_, j) => 10000 ** ((2 * Math.floor(j / 2)) / dim));
  for (let pos = 0; pos < tokens; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / inv[j];
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}
