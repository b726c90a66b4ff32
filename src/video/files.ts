/**
 * Turns the user's inputs (files, directories, glob patterns) into a sorted list of video files.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, isAbsolute, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { VidmaeError } from "../errors.js";

/** Extensions (lower case, no dot) that directory walks and globs pick up. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  "mp4",
  "mkv",
  "webm",
  "avi",
  "mov",
  "m4v",
  "mpg",
  "mpeg",
  "wmv",
  "flv",
  "ogv",
  "3gp",
  "ts",
]);

/**
 * True when `path` ends in a video extension, in any case (`.MP4` too).
 *
 * @example
 * isVideoFile("a/clip.MOV"); // true
 */
export function isVideoFile(path: string): boolean {
  return VIDEO_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** Video files under `dir`, recursively; hidden entries (".cache") and symlinked directories are skipped. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new VidmaeError("E_IO", `${dir}: cannot read directory (${e.code ?? e.message})`, { cause: e });
  });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (isVideoFile(path) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path)))))
      found.push(path);
  }
  return found;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The files one input stands for: itself, the videos under it, or the videos its pattern matches. */
async function expand(input: string): Promise<string[]> {
  const stats = await stat(input).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw new VidmaeError("E_IO", `${input}: cannot read (${e.code ?? e.message})`, { cause: e });
  });
  if (stats?.isDirectory()) return walk(input);
  if (stats) return [input];
  if (!isDynamicPattern(input)) throw new VidmaeError("E_IO", `${input}: no such file or directory`);
  const matches = await glob(input, {
    onlyFiles: true,
    expandDirectories: false,
    absolute: isAbsolute(input),
  });
  const videos = matches.filter(isVideoFile);
  if (videos.length === 0) throw new VidmaeError("E_IO", `${input}: no video file matches this pattern`);
  return videos;
}

/**
 * Lists the video files that `inputs` name, sorted by path (code-unit order) and without duplicates. A file is
 * taken whatever its extension; directories are walked recursively and patterns (`clips/*.mp4`, `data/**`) are
 * expanded, both keeping only {@link VIDEO_EXTENSIONS}.
 *
 * @throws VidmaeError `E_IO` for an input that does not exist or a pattern that matches no video
 * @example
 * await findVideoFiles(["data/train", "extra/*.webm", "one.mov"]);
 * // ["data/train/a/x.mp4", "data/train/y.mkv", "extra/z.webm", "one.mov"]
 */
export async function findVideoFiles(inputs: readonly string[]): Promise<string[]> {
  const byResolved = new Map<string, string>();
  for (const input of inputs) {
    for (const path of await expand(input))
      if (!byResolved.has(resolve(path))) byResolved.set(resolve(path), path);
  }
  return [...byResolved.values()].sort();
}
