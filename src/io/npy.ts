/**
 * NumPy `.npy` files: the format embeddings (X.npy) and reference outputs travel in between Python and vidmae.
 * Reads versions 1.0–3.0 and writes 1.0; C-order, little-endian float32, float64 and int64.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { VidmaeError, wrapError } from "../errors.js";
import type { DenseMatrix } from "../numeric/matrix.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DTYPES = {
  "<f4": Float32Array,
  "<f8": Float64Array,
  "<i8": BigInt64Array,
} as const;

/** A dtype vidmae reads and writes, spelled as numpy's `descr`. */
export type NpyDtype = keyof typeof DTYPES;

/** A typed array of one of the supported dtypes. */
export type NpyData = Float32Array | Float64Array | BigInt64Array;

/**
 * An n-dimensional array: C-order `data` and its `shape` (`[]` for a scalar).
 *
 * @example
 * const a: NpyArray = { dtype: "<f8", shape: [2], data: new Float64Array([1, 2]) };
 */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

function malformed(source: string, why: string): VidmaeError {
  return new VidmaeError("E_DATA", `${source} is not a valid .npy file: ${why}`);
}

/** Parses the Python-literal header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. */
function parseHeader(header: string, source: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw malformed(source, `cannot parse header ${JSON.stringify(header.trim())}`);
  }
  const dims = shape
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (dims.some((n) => !Number.isSafeInteger(n) || n < 0)) throw malformed(source, `bad shape (${shape})`);
  return { descr, fortran: fortran === "True", shape: dims };
}

/**
 * Decodes the bytes of a `.npy` file.
 *
 * @param source - named in error messages (a path, or "buffer")
 * @throws VidmaeError E_DATA for a malformed file or Fortran order, E_UNSUPPORTED_DTYPE for other dtypes
 * @example
 * const a = parseNpy(encodeNpy({ dtype: "<f4", shape: [1], data: new Float32Array([1]) }));
 */
export function parseNpy(bytes: Uint8Array, source = "buffer"): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw malformed(source, "bad magic string");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw malformed(source, `unknown format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw malformed(source, "truncated header");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(headerStart, dataStart),
  );
  const { descr, fortran, shape } = parseHeader(header, source);
  if (!(descr in DTYPES)) {
    throw new VidmaeError(
      "E_UNSUPPORTED_DTYPE",
      `${source} has dtype '${descr}'; supported: ${Object.keys(DTYPES).join(", ")} (little-endian)`,
    );
  }
  if (fortran)
    throw malformed(source, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
  const dtype = descr as NpyDtype;
  const Ctor = DTYPES[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart < byteLength) {
    throw malformed(source, `expected ${byteLength} data bytes but found ${bytes.length - dataStart}`);
  }
  // Copy into a fresh buffer so the typed array is aligned whatever the header length, and does not alias a
  // pooled Node Buffer.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataStart, dataStart + byteLength));
  const data = new Ctor(copy.buffer);
  return { dtype, shape, data };
}

/**
 * Reads a `.npy` file.
 *
 * @throws VidmaeError E_IO when the file cannot be read, otherwise as {@link parseNpy}
 * @example
 * const { shape, data } = readNpy("X.npy"); // shape [1347, 64], data Float32Array
 */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot read ${path}`);
  }
  return parseNpy(bytes, path);
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return "<f4";
  if (data instanceof Float64Array) return "<f8";
  return "<i8";
}

/**
 * Encodes an array as `.npy` version 1.0 bytes (header padded to a multiple of 64 bytes, as numpy writes it).
 *
 * @throws VidmaeError E_SHAPE when `data` does not hold `product(shape)` values
 * @example
 * encodeNpy({ shape: [2], data: new Float64Array([1, 2]) }); // Uint8Array starting with "\x93NUMPY"
 */
export function encodeNpy(array: { shape: readonly number[]; data: NpyData }): Uint8Array {
  const { shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new VidmaeError(
      "E_SHAPE",
      `Array has ${data.length} values but shape (${shape.join(", ")}) needs ${count}`,
    );
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${dtypeOf(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/**
 * Writes an array (or a dense matrix, as shape `[rows, cols]`) to a `.npy` file.
 *
 * @throws VidmaeError E_IO when the file cannot be written
 * @example
 * writeNpy("scores.npy", model.predictProba(X));
 */
export function writeNpy(
  path: string,
  array: { shape: readonly number[]; data: NpyData } | DenseMatrix,
): void {
  const shaped = "shape" in array ? array : { shape: [array.rows, array.cols], data: array.data };
  const bytes = encodeNpy(shaped);
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot write ${path}`);
  }
}

/**
 * Views a 2-D float array as a {@link DenseMatrix} (no copy).
 *
 * @throws VidmaeError E_SHAPE when the array is not 2-D or not float
 * @example
 * const X = npyToMatrix(readNpy("X.npy")); // X.rows, X.cols
 */
export function npyToMatrix(array: NpyArray): DenseMatrix {
  if (array.shape.length !== 2 || array.data instanceof BigInt64Array) {
    throw new VidmaeError(
      "E_SHAPE",
      `Expected a 2-D float array but received shape (${array.shape.join(", ")}) of dtype '${array.dtype}'`,
    );
  }
  return { data: array.data, rows: array.shape[0], cols: array.shape[1] };
}
