/**
 * Turns the user's inputs (files, directories, glob patterns) into a sorted list of video files, and a list of
 * the inputs refused (missing, dangling, not regular files) for a batch to report.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, isAbsolute, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { VidmaeError } from "../errors.js";
import { statRegularFile } from "./input.js";

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

/** An input, or a file found under one, that cannot be processed, and why. */
export interface RefusedInput {
  path: string;
  error: VidmaeError;
}

/** What {@link listVideoInputs} found. */
export interface VideoInputList {
  /** Regular files to process: sorted by path (code-unit order), without duplicates. */
  files: string[];
  /** Inputs that are missing, dangling, unreadable or not regular files, sorted by path. */
  refused: RefusedInput[];
}

/** Keeps the paths that are regular files; the others go to `refused` with their reason. */
async function keepRegular(paths: readonly string[], refused: RefusedInput[]): Promise<string[]> {
  const kept: string[] = [];
  for (const path of paths) {
    try {
      await statRegularFile(path);
      kept.push(path);
    } catch (e) {
      if (!(e instanceof VidmaeError)) throw e;
      refused.push({ path, error: e });
    }
  }
  return kept;
}

/**
 * Video files under `dir`, recursively; hidden entries (".cache") and symlinked directories are skipped. An entry
 * with a video extension that is not a regular file (a FIFO, a dangling symlink) is refused, not skipped: the
 * user named its folder.
 */
async function walk(dir: string, refused: RefusedInput[]): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    refused.push({
      path: dir,
      error: new VidmaeError("E_IO", `${dir}: cannot read directory (${reason})`, { cause: e }),
    });
    return [];
  }
  const found: string[] = [];
  const others: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path, refused)));
    else if (entry.isSymbolicLink() && (await isDirectory(path))) continue;
    else if (isVideoFile(path)) (entry.isFile() ? found : others).push(path);
  }
  return [...found, ...(await keepRegular(others, refused))];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** The files one input stands for: itself, the videos under it, or the videos its pattern matches. */
async function expand(input: string, refused: RefusedInput[]): Promise<string[]> {
  const stats = await stat(input).catch(() => undefined);
  if (stats?.isDirectory()) return walk(input, refused);
  // A path that exists, or is no pattern, is taken as a file: a missing one is refused with its reason.
  if (stats || !isDynamicPattern(input)) return keepRegular([input], refused);
  const matches = await glob(input, {
    onlyFiles: true,
    expandDirectories: false,
    absolute: isAbsolute(input),
  });
  const videos = matches.filter(isVideoFile);
  if (videos.length === 0) throw new VidmaeError("E_IO", `${input}: no video file matches this pattern`);
  return keepRegular(videos, refused);
}

/**
 * Lists the video files that `inputs` name, and the inputs that cannot be read, so that a batch can report
 * those and go on with the rest. A file is taken whatever its extension; directories are walked recursively
 * and patterns (`clips/*.mp4`, `data/**`) are expanded, both keeping only {@link VIDEO_EXTENSIONS}. Only
 * regular files are listed (symlinks followed): a FIFO, device or socket is refused without being opened.
 *
 * @throws VidmaeError `E_IO` for a pattern that matches no video
 * @example
 * const { files, refused } = await listVideoInputs(["a.mp4", "missing.mp4", "data/"]);
 * // files: ["a.mp4", "data/x.mp4"]; refused: [{ path: "missing.mp4", error: "…: cannot read file (no such file)" }]
 */
export async function listVideoInputs(inputs: readonly string[]): Promise<VideoInputList> {
  const byResolved = new Map<string, string>();
  const refused = new Map<string, RefusedInput>();
  for (const input of inputs) {
    const bad: RefusedInput[] = [];
    for (const path of await expand(input, bad))
      if (!byResolved.has(resolve(path))) byResolved.set(resolve(path), path);
    for (const r of bad) if (!refused.has(resolve(r.path))) refused.set(resolve(r.path), r);
  }
  const byPath = (a: RefusedInput, b: RefusedInput): number =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return { files: [...byResolved.values()].sort(), refused: [...refused.values()].sort(byPath) };
}

/**
 * Lists the video files that `inputs` name, as {@link listVideoInputs}, and throws for the first input refused.
 *
 * @throws VidmaeError `E_IO` for an input that does not exist or a pattern that matches no video, `E_VIDEO` for
 *   an input that is not a regular file
 * @example
 * await findVideoFiles(["data/train", "extra/*.webm", "one.mov"]);
 * // ["data/train/a/x.mp4", "data/train/y.mkv", "extra/z.webm", "one.mov"]
 */
export async function findVideoFiles(inputs: readonly string[]): Promise<string[]> {
  const { files, refused } = await listVideoInputs(inputs);
  if (refused.length > 0) throw refused[0].error;
  return files;
}
