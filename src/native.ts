/**
 * Native add-ons (onnxruntime-node, better-sqlite3, pg, usearch) load at their first use, never when vidmae is
 * imported: the import stays fast and free of side effects, and each command loads only what it uses. They are
 * required through their CommonJS builds, so the code that uses them stays synchronous.
 */
import { createRequire } from "node:module";

const requireHere = createRequire(import.meta.url);

/**
 * A getter that loads the CommonJS package `name` at its first call and returns the same module afterwards.
 *
 * @example
 * import type * as Ort from "onnxruntime-node";
 * const ort = lazyRequire<typeof Ort>("onnxruntime-node");
 * const tensor = new (ort().Tensor)("float32", new Float32Array(4), [2, 2]); // loads onnxruntime here
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(name) as T);
}
