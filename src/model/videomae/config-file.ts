/** Reading a checkpoint's `config.json` from disk; the schema and limits live in `config.ts` (pure, shared with the browser build). */
import { VidmaeError, wrapError } from "../../errors.js";
import { readRegularFile } from "../weights/files.js";
import { MAX_CONFIG_BYTES, type VideoMAEConfig, parseVideoMAEConfig } from "./config.js";

/**
 * Reads `config.json` as JSON, unvalidated (see {@link parseConfigFields} and {@link parseVideoMAEConfig}).
 *
 * @throws VidmaeError `E_CHECKPOINT` when the file is missing, `E_IO` when it cannot be read or is not a
 *   regular file, `E_CONFIG` when it is not JSON
 * @example
 * const json = await readConfigJson("test/fixtures/videomae/tiny-model/config.json");
 */
export async function readConfigJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readRegularFile(path, MAX_CONFIG_BYTES));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new VidmaeError(
        "E_CHECKPOINT",
        `${path}: missing; a VideoMAE model directory needs a config.json`,
        { cause: e },
      );
    throw wrapError(e, "E_IO", `Cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw wrapError(e, "E_CONFIG", `${path}: not valid JSON`);
  }
}

/**
 * Reads and validates `config.json`.
 *
 * @throws VidmaeError `E_CHECKPOINT` when the file is missing, `E_CONFIG` when it is not a VideoMAE config
 *   or a size is out of bounds, `E_IO` when it cannot be read
 * @example
 * const config = await loadVideoMAEConfig("test/fixtures/videomae/tiny-model/config.json");
 */
export async function loadVideoMAEConfig(path: string): Promise<VideoMAEConfig> {
  return parseVideoMAEConfig(await readConfigJson(path), path);
}
