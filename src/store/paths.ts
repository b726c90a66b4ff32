/**
 * Paths as the store records them: absolute and real (symlinks resolved), so every command finds a stored video
 * or model folder from any working directory, and one file is one path however it was named.
 */
import { existsSync, realpathSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";

/** A URL (`https://…`, `s3://…`) is stored as given; only file paths are made absolute. */
const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The path to store for a file: its real absolute path, or the absolute path when it cannot be resolved (a
 * missing file is reported by whoever reads it). URLs are returned as given.
 *
 * @example
 * await storedPath("videos/../videos/a.mp4"); // "/home/me/project/videos/a.mp4"
 */
export async function storedPath(path: string): Promise<string> {
  if (URL_PATTERN.test(path)) return path;
  return realpath(path).catch(() => resolve(path));
}

/**
 * The model name to store for a `--model` argument: a local folder's or `.pth` file's real absolute path, a hub
 * id as given.
 *
 * @example
 * await storedModelName("./checkpoints/tiny"); // "/home/me/project/checkpoints/tiny"
 * await storedModelName("MCG-NJU/videomae-base"); // "MCG-NJU/videomae-base"
 */
export async function storedModelName(model: string): Promise<string> {
  const isLocal = await stat(model).then(
    (s) => s.isDirectory() || s.isFile(),
    () => false,
  );
  return isLocal ? realpath(model) : model;
}

/**
 * True for a stored path written by an older vidmae relative to the directory it ran in (not absolute, not a URL).
 *
 * @example
 * isRelativePath("videos/a.mp4"); // true
 * isRelativePath("https://cdn.example.com/a.mp4"); // false
 */
export function isRelativePath(path: string): boolean {
  return !isAbsolute(path) && !URL_PATTERN.test(path);
}

/**
 * A relative stored path resolved against `baseDir`: the real path when something exists there, else null.
 *
 * @example
 * resolveUnder("videos/a.mp4", "/data"); // "/data/videos/a.mp4", or null when there is no such file
 */
export function resolveUnder(path: string, baseDir: string): string | null {
  const candidate = resolve(baseDir, path);
  return existsSync(candidate) ? realpathSync(candidate) : null;
}
