/**
 * Pillow's `Image.resize` for uint8 RGB, bit for bit. Hand-written because no npm image library reproduces
 * Pillow's convolution resize (its support widening, 22-bit fixed-point coefficients and rounding): on the HF
 * reference fixtures sharp 0.35.5 (libvips 8.18.7) with its "linear" kernel differs on 28-31% of bytes, by up to 4.
 *
 * Pillow resamples separably: a horizontal pass over only the source rows the vertical pass will read, then a
 * vertical pass; a pass whose size is unchanged is skipped, and an unchanged image is copied.
 */

/** The Pillow filters that resample by convolution (NEAREST does not, and is not supported). */
export type ResampleFilter = "box" | "bilinear" | "hamming" | "bicubic" | "lanczos";

/** Filter kernel and its support radius at scale 1, as Pillow defines them. */
const KERNELS: Record<ResampleFilter, { support: number; weight: (x: number) => number }> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  hamming: { support: 1, weight: hamming },
  bicubic: { support: 2, weight: bicubic },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

function hamming(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return 1;
  if (a >= 1) return 0;
  const p = a * Math.PI;
  // Pillow writes these constants as C floats, so they carry float32 rounding.
  return (Math.sin(p) / p) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(p));
}

function bicubic(x: number): number {
  const a = Math.abs(x);
  const A = -0.5;
  if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
  if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const p = x * Math.PI;
  return Math.sin(p) / p;
}

/** Pillow's fixed-point precision for 8-bit images: 32 bits minus 8 for the value and 2 for overflow. */
const PRECISION_BITS = 22;
/** Rounding offset added to every accumulator before the final shift. */
const HALF = 1 << (PRECISION_BITS - 1);

/** Coefficients of one axis: output index `i` reads `count[i]` inputs from `first[i]`, weights at `i * taps`. */
interface AxisTable {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/** Pillow's `precompute_coeffs` followed by its 8-bit fixed-point normalisation, for one axis. */
function axisTable(inSize: number, outSize: number, filter: ResampleFilter): AxisTable {
  const { support: baseSupport, weight } = KERNELS[filter];
  const scale = inSize / outSize;
  // Downscaling widens the kernel by the scale factor: this is the antialiasing.
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const w = new Float64Array(taps);
  const inv = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      w[k] = weight((k + lo - center + 0.5) * inv);
      sum += w[k];
    }
    for (let k = 0; k < n; k++) {
      const v = sum !== 0 ? w[k] / sum : w[k];
      weights[i * taps + k] = Math.trunc(
        v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5,
      );
    }
    first[i] = lo;
    count[i] = n;
  }
  return { first, count, weights, taps };
}

/**
 * A rectangle of the resized image, in resized coordinates.
 *
 * @example
 * const all: Window = { top: 0, left: 0, height: 224, width: 298 };
 */
export interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Resizes uint8 RGB images (HWC, interleaved) of one size to another exactly as Pillow does, with coefficient
 * tables computed once. It can produce just a window of the output (the crop), with the same bytes the full
 * resize would have there. Reuses one scratch buffer, so it is not re-entrant.
 *
 * @example
 * const r = new Resampler(720, 1280, 224, 398, "bilinear");
 * const out = new Uint8Array(224 * 398 * 3);
 * r.resize(frame, 0, { top: 0, left: 0, height: 224, width: 398 }, out, 0);
 */
export class Resampler {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly #horizontal: AxisTable | undefined;
  readonly #vertical: AxisTable | undefined;
  #scratch = new Uint8Array(0);

  constructor(
    inHeight: number,
    inWidth: number,
    outHeight: number,
    outWidth: number,
    filter: ResampleFilter,
  ) {
    this.inHeight = inHeight;
    this.inWidth = inWidth;
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    this.#horizontal = outWidth !== inWidth ? axisTable(inWidth, outWidth, filter) : undefined;
    this.#vertical = outHeight !== inHeight ? axisTable(inHeight, outHeight, filter) : undefined;
  }

  /**
   * Writes `win` of the resized image (HWC, `win.height * win.width * 3` bytes) into `dst` at `dstOffset`,
   * reading the source image (`inHeight * inWidth * 3` bytes) from `src` at `srcOffset`.
   */
  resize(src: Uint8Array, srcOffset: number, win: Window, dst: Uint8Array, dstOffset: number): void {
    const rowBytes = win.width * 3;
    // Writing integer sums through a clamped view does Pillow's clip to 0..255.
    const out = new Uint8ClampedArray(dst.buffer, dst.byteOffset + dstOffset, win.height * rowBytes);
    const h = this.#horizontal;
    const v = this.#vertical;
    if (!v) {
      const start = srcOffset + win.top * this.inWidth * 3;
      if (h) horizontalPass(src, start, this.inWidth * 3, win.height, h, win.left, win.width, out);
      else copyRows(src, start + win.left * 3, this.inWidth * 3, win.height, rowBytes, out);
      return;
    }
    // Only the source rows that the window's output rows read.
    const firstRow = v.first[win.top];
    const lastRow = v.first[win.top + win.height - 1] + v.count[win.top + win.height - 1];
    if (!h) {
      const start = srcOffset + firstRow * this.inWidth * 3 + win.left * 3;
      verticalPass(src, start, this.inWidth * 3, v, win.top, win.height, firstRow, rowBytes, out);
      return;
    }
    const rows = lastRow - firstRow;
    if (this.#scratch.length < rows * rowBytes) this.#scratch = new Uint8Array(rows * rowBytes);
    const tmp = new Uint8ClampedArray(this.#scratch.buffer, 0, rows * rowBytes);
    horizontalPass(
      src,
      srcOffset + firstRow * this.inWidth * 3,
      this.inWidth * 3,
      rows,
      h,
      win.left,
      win.width,
      tmp,
    );
    verticalPass(this.#scratch, 0, rowBytes, v, win.top, win.height, firstRow, rowBytes, out);
  }
}

/** Horizontal convolution of `rows` rows starting at `start` (stride `stride`), output columns `[col0, col0+cols)`. */
function horizontalPass(
  src: Uint8Array,
  start: number,
  stride: number,
  rows: number,
  t: AxisTable,
  col0: number,
  cols: number,
  out: Uint8ClampedArray,
): void {
  const { first, count, weights, taps } = t;
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const row = start + y * stride;
    for (let x = col0; x < col0 + cols; x++) {
      const n = count[x];
      const k0 = x * taps;
      let p = row + first[x] * 3;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let k = 0; k < n; k++, p += 3) {
        const w = weights[k0 + k];
        s0 += src[p] * w;
        s1 += src[p + 1] * w;
        s2 += src[p + 2] * w;
      }
      out[o++] = s0 >> PRECISION_BITS;
      out[o++] = s1 >> PRECISION_BITS;
      out[o++] = s2 >> PRECISION_BITS;
    }
  }
}

/**
 * Vertical convolution for output rows `[row0, row0+rows)`; `start` points at source row `shift`, so output row
 * `y` reads from source row `first[y] - shift` relative to it. Each row is `rowBytes` bytes wide.
 */
function verticalPass(
  src: Uint8Array,
  start: number,
  stride: number,
  t: AxisTable,
  row0: number,
  rows: number,
  shift: number,
  rowBytes: number,
  out: Uint8ClampedArray,
): void {
  const { first, count, weights, taps } = t;
  // Whole rows at a time, for sequential memory access; sums stay within int32 as in Pillow.
  const acc = new Int32Array(rowBytes);
  for (let y = row0; y < row0 + rows; y++) {
    const k0 = y * taps;
    const base = start + (first[y] - shift) * stride;
    acc.fill(HALF);
    for (let k = 0; k < count[y]; k++) {
      const w = weights[k0 + k];
      const row = base + k * stride;
      for (let i = 0; i < rowBytes; i++) acc[i] += src[row + i] * w;
    }
    const o = (y - row0) * rowBytes;
    for (let i = 0; i < rowBytes; i++) out[o + i] = acc[i] >> PRECISION_BITS;
  }
}

function copyRows(
  src: Uint8Array,
  start: number,
  stride: number,
  rows: number,
  rowBytes: number,
  out: Uint8ClampedArray,
) {
  for (let y = 0; y < rows; y++)
    out.set(src.subarray(start + y * stride, start + y * stride + rowBytes), y * rowBytes);
}

/**
 * Resizes one uint8 RGB image (HWC) to `outHeight x outWidth` exactly as Pillow's `Image.resize` does.
 *
 * @example
 * const small = resizeRgb(frame, 48, 64, 32, 42, "bilinear"); // 32 * 42 * 3 bytes
 */
export function resizeRgb(
  src: Uint8Array,
  inHeight: number,
  inWidth: number,
  outHeight: number,
  outWidth: number,
  filter: ResampleFilter = "bilinear",
): Uint8Array {
  const out = new Uint8Array(outHeight * outWidth * 3);
  const win = { top: 0, left: 0, height: outHeight, width: outWidth };
  new Resampler(inHeight, inWidth, outHeight, outWidth, filter).resize(src, 0, win, out, 0);
  return out;
}
