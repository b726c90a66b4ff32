/**
 * Sharded checkpoints: an index JSON (`model.safetensors.index.json`, `pytorch_model.bin.index.json`) whose
 * `weight_map` names the shard file holding each tensor.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { VidmaeError, wrapError } from "../../errors.js";
import type { RawTensor } from "./tensor.js";

const shardIndex = z.object({ weight_map: z.record(z.string(), z.string()) });

/**
 * The shard files an index names, sorted, as paths beside the index.
 *
 * @throws VidmaeError `E_WEIGHTS` when the index is malformed
 * @example
 * await shardPaths("m/model.safetensors.index.json"); // ["m/model-00001-of-00002.safetensors", …]
 */
export async function shardPaths(
  indexPath: string,
): Promise<{ shards: string[]; weightMap: Record<string, string> }> {
  let index: z.infer<typeof shardIndex>;
  try {
    index = shardIndex.parse(JSON.parse(await readFile(indexPath, "utf8")));
  } catch (e) {
    throw wrapError(
      e,
      "E_WEIGHTS",
      `${indexPath}: not a valid shard index (expected {"weight_map": {tensor: file}})`,
    );
  }
  const dir = dirname(indexPath);
  const shards = [...new Set(Object.values(index.weight_map))].sort().map((s) => join(dir, basename(s)));
  return { shards, weightMap: index.weight_map };
}

/**
 * Reads every shard an index names with `readShard` and checks each listed tensor was found in its shard.
 *
 * @returns the merged tensors and the shard paths (sorted), for hashing
 * @throws VidmaeError `E_WEIGHTS` when the index is malformed or a shard lacks a tensor it should hold
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
