/**
 * CRC-32 (the zip / PNG polynomial 0xEDB88320) for checking zip entries: zlib's native one where Node has it
 * (20.15 and later, about 25 times faster), else a small table-driven one; fflate keeps its own CRC private.
 */
import * as zlib from "node:zlib";

/** The 256 remainders of one byte, computed once. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes` computed in JavaScript, for Node releases without `zlib.crc32`.
 *
 * @example
 * tableCrc32(new TextEncoder().encode("hi")); // 0xd8932aac
 */
export function tableCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * The CRC-32 of `bytes`, as an unsigned 32-bit number (what a zip's central directory records).
 *
 * @example
 * crc32(new TextEncoder().encode("hi")); // 0xd8932aac
 */
export function crc32(bytes: Uint8Array): number {
  return native ? native(bytes) >>> 0 : tableCrc32(bytes);
}
