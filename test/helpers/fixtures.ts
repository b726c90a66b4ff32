/** Paths to the reference fixtures copied into test/fixtures (see each folder's README). */
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a file or folder under test/fixtures.
 *
 * @example
 * fixture("videomae/tiny-model"); // "/…/test/fixtures/videomae/tiny-model"
 */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));
}
