/**
 * A tensor as a weights file stores it: dtype tag, shape and raw little-endian bytes. Readers of every format
 * (safetensors, PyTorch zip) produce these; {@link toFloat32} is the one place dtypes become numbers.
 */
import { VidmaeError } from "../../errors.js";

/** Dtype tags, spelled as safetensors spells them (PyTorch storages map onto the same names). */
export const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const;

/** A dtype tag such as `F32` or `BF16`. */
export type DType = keyof typeof DTYPE_BYTES;

/**
 * One stored tensor: `data` holds `product(shape) * DTYPE_BYTES[dtype]` little-endian bytes.
 *
 * @example
 * const t: RawTensor = { dtype: "F32", shape: [2], data: new Uint8Array(new Float32Array([1, 2]).buffer) };
 */
export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: Uint8Array;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** True when `s` is a known dtype tag. */
export function isDType(s: string): s is DType {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

/** Decodes one IEEE half-precision value (bits in the low 16 of `h`). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Converts a floating-point tensor to float32 (exactly: f16 and bf16 widen losslessly; f64 rounds).
 *
 * @param t - the stored tensor
 * @param name - the tensor's key, for the error message
 * @param file - the file it came from, for the error message
 * @throws VidmaeError `E_UNSUPPORTED_DTYPE` for integer or boolean tensors
 * @example
 * toFloat32({ dtype: "BF16", shape: [1], data: new Uint8Array([0x80, 0x3f]) }, "w", "model.safetensors"); // Float32Array [1]
 */
export function toFloat32(t: RawTensor, name: string, file: string): Float32Array {
  const n = numel(t.shape);
  const bytes = t.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.dtype) {
    case "F32":
      if (bytes.byteOffset % 4 === 0)
        return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * 4));
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case "F16":
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case "BF16": {
      // bf16 is the top half of a float32: shift its bits into place.
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case "F64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    default:
      throw new VidmaeError(
        "E_UNSUPPORTED_DTYPE",
        `${file}: tensor ${name} has dtype ${t.dtype}; only F32, F16, BF16 and F64 weights are supported`,
      );
  }
}

/** Rounds a float32 bit pattern to its top 16 bits, to nearest, ties to even (as torch's `.bfloat16()`). */
function floatBitsToBf16(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40; // keep NaN a NaN
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  return r > 0.5 || (r === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** Encodes one float as IEEE half, to nearest, ties to even (as torch's `.half()`). */
function floatToHalf(v: number): number {
  const f = Math.fround(v);
  const sign = f < 0 || Object.is(f, -0) ? 0x8000 : 0;
  const abs = Math.abs(f);
  if (Number.isNaN(abs)) return 0x7e00;
  // Subnormals sit on a 2^-24 grid; a round-up to 1024 lands exactly on the smallest normal's encoding.
  if (abs < 2 ** -14) return sign | roundHalfEven(abs * 2 ** 24);
  let e = Math.floor(Math.log2(abs));
  if (2 ** e > abs) e--;
  if (2 ** (e + 1) <= abs) e++;
  // A mantissa that rounds up to 1024 carries into the exponent by plain addition.
  const bits = ((e + 15) << 10) + roundHalfEven((abs / 2 ** e - 1) * 1024);
  return sign | Math.min(bits, 0x7c00);
}

/**
 * Stores float32 values as a tensor of a floating dtype (F32 copies; F16/BF16 round to nearest even).
 *
 * @example
 * fromFloat32(new Float32Array([1]), [1], "BF16").data; // Uint8Array [0x80, 0x3f]
 */
export function fromFloat32(
  values: Float32Array,
  shape: number[],
  dtype: "F32" | "F16" | "BF16" = "F32",
): RawTensor {
  if (dtype === "F32") return { dtype, shape, data: new Uint8Array(values.slice().buffer) };
  const out = new Uint16Array(values.length);
  if (dtype === "BF16") {
    const bits = new Uint32Array(values.slice().buffer);
    for (let i = 0; i < values.length; i++) out[i] = floatBitsToBf16(bits[i]);
  } else {
    for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]);
  }
  return { dtype, shape, data: new Uint8Array(out.buffer) };
}
