/**
 * Which files of a repo make a loadable checkpoint: the config, the optional preprocessor config, and one weights
 * format, in the order transformers prefers them.
 */
import { VidmaeError } from "../../errors.js";

/** Weights layouts, best first: each is one file, or an index naming shard files. */
const WEIGHTS = [
  "model.safetensors",
  "model.safetensors.index.json",
  "pytorch_model.bin",
  "pytorch_model.bin.index.json",
];

/** What {@link chooseModelFiles} reports when a listing cannot make a checkpoint. */
export const MISSING_WEIGHTS = `weights (${WEIGHTS.slice(0, -1).join(", ")} or ${WEIGHTS.at(-1)})`;

/**
 * Picks the checkpoint files from a repo's file names, or names what is missing.
 *
 * @example
 * chooseModelFiles(["config.json", "model.safetensors", "pytorch_model.bin", "README.md"]);
 * // { files: ["config.json", "model.safetensors"] }
 * chooseModelFiles(["README.md"]); // { missing: "config.json" }
 */
export function chooseModelFiles(names: Iterable<string>): { files: string[] } | { missing: string } {
  const present = new Set(names);
  if (!present.has("config.json")) return { missing: "config.json" };
  const weights = WEIGHTS.find((name) => present.has(name));
  if (!weights) return { missing: MISSING_WEIGHTS };
  const preprocessor = present.has("preprocessor_config.json") ? ["preprocessor_config.json"] : [];
  return { files: ["config.json", ...preprocessor, weights] };
}

/** The sharded-weights index among chosen files, if the checkpoint is sharded. */
export function findIndex(files: readonly string[]): string | undefined {
  return files.find((name) => name.endsWith(".index.json"));
}

/**
 * True for a relative POSIX path that stays inside the folder it is joined to: no absolute path, no `.` or `..`
 * segment, no empty segment, no backslash, no NUL or other control character. File names and shard names come
 * from the network, and a revision becomes a path under `refs/`.
 *
 * @example
 * isSafeRelativePath("refs/pr/1"); // true
 * isSafeRelativePath("../../etc/passwd"); // false
 */
export function isSafeRelativePath(path: string): boolean {
  return (
    !/[\\\x00-\x1f\x7f]/.test(path) &&
    path.split("/").every((part) => part !== "" && part !== "." && part !== "..")
  );
}

/**
 * The distinct shard files a sharded-weights index names, sorted.
 *
 * @param text - the index JSON (`{"weight_map": {"tensor": "shard file"}}`)
 * @param source - names the index in error messages
 * @example
 * shardNames('{"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}', "index");
 * // ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
 */
export function shardNames(text: string, source: string): string[] {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(text) as { weight_map?: unknown }).weight_map;
  } catch (error) {
    throw new VidmaeError("E_CHECKPOINT", `Cannot parse ${source}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (weightMap === null || typeof weightMap !== "object" || Array.isArray(weightMap)) {
    throw new VidmaeError("E_CHECKPOINT", `${source} has no "weight_map" object`);
  }
  const shards = [...new Set(Object.values(weightMap))].sort();
  if (shards.length === 0) throw new VidmaeError("E_CHECKPOINT", `${source} names no shard files`);
  const bad = shards.find((shard) => typeof shard !== "string" || !isSafeRelativePath(shard));
  if (bad !== undefined) {
    throw new VidmaeError("E_CHECKPOINT", `${source} names an invalid shard path: ${JSON.stringify(bad)}`);
  }
  return shards as string[];
}
