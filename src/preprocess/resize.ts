/**
 * Pillow's `Image.resize` for uint8 RGB, bit for bit. Hand-written because no npm image library reproduces
 * Pillow's convolution resize (its support widening, 22-bit fixed-point coefficients and rounding): on the HF
 * reference fixtures sharp 0.35.5 (libvips 8.18.7) with its "linear" kernel differs on 28-31% of bytes, by up to 4.
 *
 * Pillow resamples separably: a horizontal pass over only the source rows the vertical pass will read, then a
 * vertical pass; a pass whose size is unchanged is skipped, and an unchanged image is copied. The coefficient
 * tables are computed here (and cached); the passes run as WebAssembly SIMD kernels (resize-kernels.ts) on a
 * copy of the source rows they read, in a memory that grows to the largest frame seen and stays.
 */
import { KERNEL_PADDING, PRECISION_BITS, resizeKernels, type ResizeKernels } from "./resize-kernels.js";

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

/** Coefficients of one axis: output index `i` reads `count[i]` inputs from `first[i]`, weights at `i * taps`. */
interface AxisTable {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/** How many axis tables stay cached (a video has one size, so a few cover a run; `resizeRgb` callers reuse too). */
const TABLE_CACHE = 32;
const tables = new Map<string, AxisTable>();

/** The table of one (input size, output size, filter), computed once while it stays in the bounded cache. */
function cachedAxisTable(inSize: number, outSize: number, filter: ResampleFilter): AxisTable {
  const key = `${inSize}:${outSize}:${filter}`;
  let table = tables.get(key);
  if (!table) {
    if (tables.size >= TABLE_CACHE) tables.clear();
    table = axisTable(inSize, outSize, filter);
    tables.set(key, table);
  }
  return table;
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
 * resize would have there. Works in the resize kernels' shared memory, so it is not re-entrant.
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
  /** The horizontal coefficients of the last window's columns ({@link packColumns}). */
  #columns: { left: number; width: number; packed: Int32Array } = {
    left: -1,
    width: -1,
    packed: new Int32Array(0),
  };

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
    this.#horizontal = outWidth !== inWidth ? cachedAxisTable(inWidth, outWidth, filter) : undefined;
    this.#vertical = outHeight !== inHeight ? cachedAxisTable(inHeight, outHeight, filter) : undefined;
  }

  /**
   * Writes `win` of the resized image (HWC, `win.height * win.width * 3` bytes) into `dst` at `dstOffset`,
   * reading the source image (`inHeight * inWidth * 3` bytes) from `src` at `srcOffset`.
   */
  resize(src: Uint8Array, srcOffset: number, win: Window, dst: Uint8Array, dstOffset: number): void {
    const h = this.#horizontal;
    const v = this.#vertical;
    const stride = this.inWidth * 3;
    const rowBytes = win.width * 3;
    const outBytes = win.height * rowBytes;
    if (!h && !v) {
      for (let y = 0; y < win.height; y++) {
        const from = srcOffset + (win.top + y) * stride + win.left * 3;
        dst.set(src.subarray(from, from + rowBytes), dstOffset + y * rowBytes);
      }
      return;
    }
    // Only the source rows that the window's output rows read.
    const firstRow = v ? v.first[win.top] : win.top;
    const last = win.top + win.height - 1;
    const rows = v ? v.first[last] + v.count[last] - firstRow : win.height;
    const columns = h ? this.#packedColumns(win) : new Int32Array(0);
    const weights = v ? v.weights.subarray(win.top * v.taps, (last + 1) * v.taps) : new Int32Array(0);
    // Kernel memory: column table, row weights, source rows, horizontal pass, window; each padded. The
    // horizontal pass works on row pairs, so an odd count reads and writes one row more.
    const pairs = rows + (rows & 1);
    const at = { columns: 0, weights: 0, src: 0, rows: 0, out: 0, end: 0 };
    at.weights = padded(at.columns + columns.byteLength);
    at.src = padded(at.weights + weights.byteLength);
    at.rows = padded(at.src + pairs * stride);
    at.out = padded(at.rows + (h && v ? pairs * rowBytes : 0));
    at.end = padded(at.out + (v ? win.height : pairs) * rowBytes);
    const k = resizeKernels();
    const memory = kernelMemory(k, at.end);
    new Int32Array(memory.buffer, at.columns, columns.length).set(columns);
    new Int32Array(memory.buffer, at.weights, weights.length).set(weights);
    const from = srcOffset + firstRow * stride;
    memory.set(src.subarray(from, from + rows * stride), at.src);
    if (h) {
      const end = at.columns + columns.byteLength;
      k.horizontal(at.src, stride, rows, at.columns, end, v ? at.rows : at.out, rowBytes);
    }
    if (v) {
      // The vertical pass reads the horizontal pass's rows, or the source's when the width is unchanged.
      const [input, inStride] = h ? [at.rows, rowBytes] : [at.src + win.left * 3, stride];
      for (let y = 0; y < win.height; y++) {
        const row = input + (v.first[win.top + y] - firstRow) * inStride;
        const count = v.count[win.top + y];
        k.vertical(row, inStride, at.weights + y * v.taps * 4, count, rowBytes, at.out + y * rowBytes);
      }
    }
    dst.set(memory.subarray(at.out, at.out + outBytes), dstOffset);
  }

  /** The window's horizontal coefficients, packed once per window position and width. */
  #packedColumns(win: Window): Int32Array {
    const c = this.#columns;
    if (c.left !== win.left || c.width !== win.width) {
      this.#columns = {
        left: win.left,
        width: win.width,
        packed: packColumns(this.#horizontal as AxisTable, win.left, win.width),
      };
    }
    return this.#columns.packed;
  }
}

/** `n` rounded up past the kernels' reads and writes beyond an area, to a 16-byte boundary. */
function padded(n: number): number {
  return (n + KERNEL_PADDING + 15) & ~15;
}

/** The kernels' memory as bytes, grown to at least `bytes` (growing replaces the buffer, so views are fresh). */
function kernelMemory(k: ResizeKernels, bytes: number): Uint8Array {
  const missing = bytes - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
  return new Uint8Array(k.memory.buffer);
}

/**
 * The horizontal coefficients of output columns `[col0, col0 + cols)` in one array, in the order the kernel
 * reads them: per column, its first input byte, its tap count, then its weights.
 */
function packColumns(t: AxisTable, col0: number, cols: number): Int32Array {
  let length = 0;
  for (let x = col0; x < col0 + cols; x++) length += 2 + t.count[x];
  const packed = new Int32Array(length);
  let i = 0;
  for (let x = col0; x < col0 + cols; x++) {
    packed[i++] = t.first[x] * 3;
    packed[i++] = t.count[x];
    packed.set(t.weights.subarray(x * t.taps, x * t.taps + t.count[x]), i);
    i += t.count[x];
  }
  return packed;
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
