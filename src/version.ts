/**
 * The library version, read once from package.json so serialised models and reports carry the right stamp.
 */
import { createRequire } from "node:module";

// package.json sits one level above both src/ and dist/, so the same relative path works before and after build.
const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

/**
 * vidmae's version as published in package.json.
 *
 * @example
 * console.log(VERSION); // "0.1.0"
 */
export const VERSION: string = pkg.version;
