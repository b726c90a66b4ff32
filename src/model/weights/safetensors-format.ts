/**
 * The safetensors format on bytes, without files: parse (validating every offset) and encode. Pure, so the
 * browser build shares it with Node (see `safetensors.ts` for reading and writing files).
 *
 * Written by hand: the format is an 8-byte length, a JSON header and raw bytes, and no npm package reads it
 * without pulling in a framework; the parser names a truncated file as such, and refuses what the reference
 * reader refuses: a header over 100 MB, offsets outside the data section or reversed, a byte count that is not
 * numel × dtype size, tensors that overlap.
 */
import { z } from "zod";
import { VidmaeError, wrapError } from "../../errors.js";
import { DTYPE_BYTES, type DType, type RawTensor, isDType, numel } from "./tensor.js";

/** Largest JSON header read, in bytes: the reference implementation's limit. */
export const MAX_HEADER_BYTES = 100_000_000;

const headerEntry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

/** Parses the 8-byte length and JSON header of a safetensors buffer; checks every tensor's byte range. */
function parseHeader(
  bytes: Uint8Array,
  file: string,
): {
  entries: Map<string, z.infer<typeof headerEntry>>;
  dataStart: number;
  metadata: Record<string, string>;
} {
  const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${file}: ${why}`);
  if (bytes.byteLength < 8)
    throw fail("file is truncated or not a safetensors file (shorter than its 8-byte header length)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared + 8n > BigInt(bytes.byteLength))
    throw fail(
      `file is truncated or not a safetensors file (header length ${declared} exceeds the file size ${bytes.byteLength})`,
    );
  if (declared > BigInt(MAX_HEADER_BYTES))
    throw fail(`the safetensors header is ${declared} bytes, more than the ${MAX_HEADER_BYTES} allowed`);
  const headerLen = Number(declared);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw wrapError(e, "E_WEIGHTS", `${file}: the safetensors header is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw fail("the safetensors header is not a JSON object");
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const entries = new Map<string, z.infer<typeof headerEntry>>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json)) {
    if (name === "__metadata__") {
      metadata = z.record(z.string(), z.string()).catch({}).parse(raw);
      continue;
    }
    const parsed = headerEntry.safeParse(raw);
    if (!parsed.success) throw fail(`tensor ${name} has a malformed header entry`);
    const e = parsed.data;
    if (!isDType(e.dtype))
      throw new VidmaeError(
        "E_UNSUPPORTED_DTYPE",
        `${file}: tensor ${name} has unsupported dtype ${e.dtype}`,
      );
    const [begin, end] = e.data_offsets;
    if (begin > end)
      throw fail(`tensor ${name} has data_offsets [${begin}, ${end}] that end before they begin`);
    const expected = numel(e.shape) * DTYPE_BYTES[e.dtype];
    if (end - begin !== expected)
      throw fail(
        `tensor ${name} has ${end - begin} bytes but dtype ${e.dtype} and shape [${e.shape.join(", ")}] need ${expected}`,
      );
    if (end > dataLen)
      throw fail(`file is truncated: tensor ${name} ends at byte ${end} of a ${dataLen}-byte data section`);
    entries.set(name, e);
  }
  checkNoOverlap(entries, fail);
  return { entries, dataStart, metadata };
}

/** Tensors must not share bytes: one written tensor would silently change another. */
function checkNoOverlap(
  entries: ReadonlyMap<string, z.infer<typeof headerEntry>>,
  fail: (why: string) => VidmaeError,
): void {
  const byStart = [...entries].filter(([, e]) => e.data_offsets[1] > e.data_offsets[0]);
  byStart.sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0]);
  for (let i = 1; i < byStart.length; i++) {
    const [prevName, prev] = byStart[i - 1];
    const [name, e] = byStart[i];
    if (e.data_offsets[0] < prev.data_offsets[1])
      throw fail(`tensors ${prevName} and ${name} overlap in the data section`);
  }
}

/**
 * Parses a safetensors buffer. Tensors are views into `bytes` (no copy).
 *
 * @param bytes - the whole file
 * @param file - the file name, used in error messages
 * @throws VidmaeError `E_WEIGHTS` (truncated, corrupt header, inconsistent offsets), `E_UNSUPPORTED_DTYPE`
 * @example
 * const tensors = parseSafetensors(await readFile("model.safetensors"), "model.safetensors");
 * tensors.get("classifier.weight")?.shape; // [5, 32]
 */
export function parseSafetensors(bytes: Uint8Array, file: string): Map<string, RawTensor> {
  const { entries, dataStart } = parseHeader(bytes, file);
  const out = new Map<string, RawTensor>();
  for (const [name, e] of entries) {
    const [begin, end] = e.data_offsets;
    out.set(name, {
      dtype: e.dtype as DType,
      shape: e.shape,
      data: bytes.subarray(dataStart + begin, dataStart + end),
    });
  }
  return out;
}

/**
 * Serialises tensors (and optional string metadata) as safetensors bytes, keys sorted as the reference writer
 * does, data 8-byte aligned.
 *
 * @example
 * const bytes = encodeSafetensors({ mean_pooled: fromFloat32(new Float32Array([1, 2]), [1, 2]) });
 */
export function encodeSafetensors(
  tensors: Record<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { dtype, shape, data } = tensors[name];
    if (data.byteLength !== numel(shape) * DTYPE_BYTES[dtype])
      throw new VidmaeError(
        "E_SHAPE",
        `tensor ${name}: ${data.byteLength} bytes do not fill ${dtype} shape [${shape.join(", ")}]`,
      );
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data section starts 8-byte aligned.
  const jsonBytes = new Uint8Array(raw.byteLength + ((8 - (raw.byteLength % 8)) % 8)).fill(0x20);
  jsonBytes.set(raw);
  const out = new Uint8Array(8 + jsonBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.byteLength), true);
  out.set(jsonBytes, 8);
  let pos = 8 + jsonBytes.byteLength;
  for (const name of names) {
    out.set(tensors[name].data, pos);
    pos += tensors[name].data.byteLength;
  }
  return out;
}
