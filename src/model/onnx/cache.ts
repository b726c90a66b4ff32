/**
 * On-disk cache of built ONNX graphs: `<cache>/graphs/<key>.onnx` plus `<key>.json` (what the graph is), so a
 * second load skips reading, verifying and re-encoding the weights.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
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

/** Bytes read from each end of a file for its cache identity: all of a config, a weight file's header and tail. */
const EDGE_BYTES = 1 << 20;

/** sha256 of a file's first and last {@link EDGE_BYTES} (the whole file when smaller). */
async function edgeHash(file: string, size: number): Promise<string> {
  const h = createHash("sha256");
  const handle = await open(file, "r");
  try {
    const spans =
      size <= 2 * EDGE_BYTES
        ? [[0, size]]
        : [
            [0, EDGE_BYTES],
            [size - EDGE_BYTES, EDGE_BYTES],
          ];
    for (const [position, length] of spans) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      h.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return h.digest("hex");
}

/**
 * A cache key from what the inputs are, not how they were named: each file's resolved real path, size, mtime and
 * a hash of its first and last MiB (the whole of a config, a weight file's header with every name, shape and
 * offset). Two folders reached by the same relative path from two working directories, or a file replaced in
 * place with equal size and mtime, get different keys; a hit still reads at most 2 MiB per file, never the
 * weights in between. `extra` carries the build options and builder version.
 *
 * @example
 * const key = await fingerprint(["m/config.json", "m/model.safetensors"], { frames: 16 });
 */
export async function fingerprint(files: string[], extra: unknown): Promise<string> {
  const h = createHash("sha256");
  for (const f of files) {
    const path = await realpath(f);
    const s = await stat(path);
    h.update(`${path}\0${s.size}\0${s.mtimeMs}\0${await edgeHash(path, s.size)}\0`);
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
