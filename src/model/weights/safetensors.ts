/**
 * safetensors files: read (whole file, or sharded via `model.safetensors.index.json`) and write; the format
 * itself lives in `safetensors-format.ts`.
 */
import { writeFile } from "node:fs/promises";
import { wrapError } from "../../errors.js";
import { readRegularFile } from "./files.js";
import { encodeSafetensors, parseSafetensors } from "./safetensors-format.js";
import type { RawTensor } from "./tensor.js";

export { MAX_HEADER_BYTES, encodeSafetensors, parseSafetensors } from "./safetensors-format.js";

/**
 * Reads a safetensors file from disk.
 *
 * @example
 * const ref = await readSafetensors("reference.safetensors");
 */
export async function readSafetensors(path: string): Promise<Map<string, RawTensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path);
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${path}`);
  }
  return parseSafetensors(bytes, path);
}

/**
 * Writes tensors to a safetensors file.
 *
 * @example
 * await writeSafetensors("out.safetensors", { logits: fromFloat32(logits, [1, 5]) });
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, RawTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  try {
    await writeFile(path, encodeSafetensors(tensors, metadata));
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot write ${path}`);
  }
}
