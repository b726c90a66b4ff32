/**
 * On-disk cache of built ONNX graphs: `<cache>/graphs/<key>.onnx` plus `<key>.json` (what the graph is), so a
 * second load skips reading, verifying and re-encoding the weights.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The vidmae cache root: `$VIDMAE_CACHE`, else `$XDG_CACHE_HOME/vidmae`, else `~/.cache/vidmae`.
 *
 * @example
 * vidmaeCacheDir({ VIDMAE_CACHE: "/tmp/c" }); // "/tmp/c"
 */
export function vidmaeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIDMAE_CACHE) return env.VIDMAE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "vidmae");
}

/**
 * A cache key from the identity of the inputs: file contents are represented by (path, size, mtime) so no
 * weight byte is read on a hit; `extra` carries the build options and builder version.
 *
 * @example
 * const key = await fingerprint(["m/config.json", "m/model.safetensors"], { frames: 16 });
 */
export async function fingerprint(files: string[], extra: unknown): Promise<string> {
  const h = createHash("sha256");
  for (const f of files) {
    const s = await stat(f);
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\0`);
  }
  h.update(JSON.stringify(extra));
  return h.digest("hex").slice(0, 32);
}

/** A cached graph: its file and the description saved beside it. */
export interface CachedGraph<Meta> {
  path: string;
  meta: Meta;
}

/**
 * Returns the cached graph for `key`, or null.
 *
 * @example
 * const hit = await readCachedGraph<{ outputs: string[] }>(cacheDir, key);
 */
export async function readCachedGraph<Meta>(
  cacheDir: string,
  key: string,
): Promise<CachedGraph<Meta> | null> {
  const path = join(cacheDir, "graphs", `${key}.onnx`);
  try {
    const meta = JSON.parse(await readFile(join(cacheDir, "graphs", `${key}.json`), "utf8")) as Meta;
    await stat(path);
    return { path, meta };
  } catch {
    return null; // any unreadable entry is a miss; it is rebuilt and overwritten
  }
}

/**
 * Stores a graph atomically (write to a temp name, then rename) so a crash never leaves a half file.
 *
 * @example
 * await writeCachedGraph(cacheDir, key, bytes, { outputs });
 */
export async function writeCachedGraph(
  cacheDir: string,
  key: string,
  bytes: Uint8Array,
  meta: unknown,
): Promise<string> {
  const dir = join(cacheDir, "graphs");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${key}.onnx`);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  const metaTmp = join(dir, `${key}.json.${process.pid}.tmp`);
  await writeFile(metaTmp, JSON.stringify(meta));
  await rename(metaTmp, join(dir, `${key}.json`));
  return path;
}
