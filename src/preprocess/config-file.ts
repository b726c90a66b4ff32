/** Reading `preprocessor_config.json` from disk; the schema lives in `config.ts` (pure, shared with the browser build). */
import { readFile } from "node:fs/promises";
import { wrapError } from "../errors.js";
import { type PreprocessorConfig, parsePreprocessorConfig } from "./config.js";

/**
 * Reads and validates a `preprocessor_config.json` file.
 *
 * @throws VidmaeError `E_IO` if unreadable, `E_CONFIG` if not JSON or a field is wrong
 * @example
 * const config = await loadPreprocessorConfig("ckpt/preprocessor_config.json");
 */
export async function loadPreprocessorConfig(path: string): Promise<PreprocessorConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw wrapError(e, "E_CONFIG", `${path}: invalid JSON`);
  }
  return parsePreprocessorConfig(json, path);
}
