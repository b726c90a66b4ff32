/**
 * Weight quantization for `DynamicQuantizeMatMul`: symmetric int8 per output column (activations are quantized
 * by onnxruntime at run time, per tensor, as uint8 — the u8·s8 kernels use AVX-512 VNNI where the CPU has it).
 */

/**
 * Quantizes a [rows, cols] row-major weight (MatMul's B: inputs × outputs) per column: scale = max|w| / 127,
 * q = round(w / scale).
 *
 * @example
 * const { q, scales } = quantizeColumns(new Float32Array([0.5, -1, 0.25, 2]), 2, 2);
 * // scales ≈ [0.5/127, 2/127]; q = [127, -64, 64, 127]
 */
export function quantizeColumns(
  w: Float32Array,
  rows: number,
  cols: number,
): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c], Math.abs(w[r * cols + c]));
  for (let c = 0; c < cols; c++) scales[c] = scales[c] > 0 ? scales[c] / 127 : 1;
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(w[r * cols + c] / scales[c])));
  return { q, scales };
}
