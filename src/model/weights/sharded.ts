/**
 * Sharded checkpoints: an index JSON (`model.safetensors.index.json`, `pytorch_model.bin.index.json`) whose
 * `weight_map` names the shard file holding each tensor.
 *
 * The index comes with the checkpoint, so each shard it names is checked before anything is read: a relative
 * path with no `..`, naming a regular file that (through any symlink) stays inside the model folder, or, in
 * the Hugging Face cache layout, inside the repository's `blobs/` where its snapshot links point.
 */
import { realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { z } from "zod";
import { VidmaeError, wrapError } from "../../errors.js";
import { fileKind, readRegularFile } from "./files.js";
import type { RawTensor } from "./tensor.js";

/** Largest index file read: a real one lists a few thousand tensors in well under a megabyte. */
const MAX_INDEX_BYTES = 64 << 20;

const shardIndex = z.object({
  metadata: z.record(z.string(), z.unknown()).optional(),
  weight_map: z.record(z.string(), z.string()),
});

/** Reads and validates the index JSON; one line naming the first problem. */
async function readIndex(indexPath: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readRegularFile(indexPath, MAX_INDEX_BYTES));
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${indexPath}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw wrapError(e, "E_WEIGHTS", `${indexPath}: not a valid shard index (not JSON)`);
  }
  const parsed = shardIndex.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0].path.map(String).join(".") || "(root)";
    throw new VidmaeError(
      "E_WEIGHTS",
      `${indexPath}: not a valid shard index (expected {"weight_map": {tensor: file}}; ${field} is malformed)`,
    );
  }
  return parsed.data.weight_map;
}

/**
 * Where a `weight_map` entry may resolve: the model folder, and for a snapshot of the Hugging Face cache
 * (`models--org--name/snapshots/<commit>`) also that repository's `blobs/`.
 */
async function allowedRoots(dir: string): Promise<string[]> {
  const real = await realpath(dir);
  const roots = [real];
  if (basename(dirname(real)) === "snapshots" && basename(dirname(dirname(real))).startsWith("models--"))
    roots.push(join(dirname(dirname(real)), "blobs"));
  return roots;
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
};

/** Checks one shard entry and returns its path beside the index; every refusal names the entry. */
async function checkShard(
  indexPath: string,
  tensor: string,
  shard: string,
  roots: string[],
): Promise<string> {
  const fail = (why: string) =>
    new VidmaeError(
      "E_WEIGHTS",
      `${indexPath}: weight_map entry ${tensor} -> ${JSON.stringify(shard)} ${why}`,
    );
  if (shard === "" || shard.includes("\0")) throw fail("is not a file name");
  if (isAbsolute(shard) || /^[\\/]|^[A-Za-z]:/.test(shard)) throw fail("is an absolute path");
  if (shard.split(/[\\/]/).includes("..")) throw fail("climbs out of the model folder with ..");
  const path = join(dirname(indexPath), shard);
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw fail("names a shard that does not exist");
    throw wrapError(e, "E_IO", `${indexPath}: weight_map entry ${tensor} -> ${JSON.stringify(shard)}`);
  }
  const stats = await stat(real);
  if (!stats.isFile()) throw fail(`is ${fileKind(stats)}, not a regular file`);
  if (!roots.some((root) => inside(root, real)))
    throw fail("resolves (through a symlink) to a file outside the model folder");
  return path;
}

/**
 * The shard files an index names, sorted, as paths beside the index; every entry is checked first.
 *
 * @throws VidmaeError `E_WEIGHTS` when the index is malformed, or an entry is absolute, contains `..`, does not
 *   exist, is not a regular file or links out of the model folder (naming the entry); `E_IO` when unreadable
 * @example
 * await shardPaths("m/model.safetensors.index.json"); // ["m/model-00001-of-00002.safetensors", …]
 */
export async function shardPaths(
  indexPath: string,
): Promise<{ shards: string[]; weightMap: Record<string, string> }> {
  const weightMap = await readIndex(indexPath);
  const roots = await allowedRoots(dirname(indexPath));
  const checked = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap))
    if (!checked.has(shard)) checked.set(shard, await checkShard(indexPath, tensor, shard, roots));
  return { shards: [...new Set(checked.values())].sort(), weightMap };
}

/**
 * Reads every shard an index names with `readShard` and checks each listed tensor was found in its shard.
 *
 * @returns the merged tensors and the shard paths (sorted), for hashing
 * @throws VidmaeError `E_WEIGHTS` when the index or an entry is bad (see {@link shardPaths}) or a shard lacks a
 *   tensor it should hold
 * @example
 * const { tensors } = await readSharded("m/model.safetensors.index.json", readSafetensors);
 */
export async function readSharded(
  indexPath: string,
  readShard: (path: string) => Promise<Map<string, RawTensor>>,
): Promise<{ tensors: Map<string, RawTensor>; shards: string[] }> {
  const { shards, weightMap } = await shardPaths(indexPath);
  const tensors = new Map<string, RawTensor>();
  for (const shard of shards) for (const [name, t] of await readShard(shard)) tensors.set(name, t);
  for (const [name, shard] of Object.entries(weightMap))
    if (!tensors.has(name))
      throw new VidmaeError(
        "E_WEIGHTS",
        `${indexPath}: tensor ${name} is listed in ${shard} but not found there`,
      );
  return { tensors, shards };
}
