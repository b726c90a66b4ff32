/**
 * The one door through which a video path reaches FFmpeg or our own reads: only a regular file, read by FFmpeg
 * only through the `file` protocol and only by a demuxer whose files hold all their media (no playlist, list,
 * image sequence or URL that would make FFmpeg open something else).
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, stat } from "node:fs/promises";
import { VidmaeError } from "../errors.js";
import { inputUrl } from "./ffmpeg-reason.js";
import { type RunToolOptions, type ToolResult, runTool } from "./run-tool.js";

/**
 * FFmpeg demuxers (by name, as FFmpeg's `-format_whitelist` matches them) that read only the file they are
 * given. Left out on purpose: `hls`, `dash`, `concat`, `image2`, `sdp`, `mxf` and every other format that can
 * name further files or URLs.
 *
 * @example
 * SELF_CONTAINED_FORMATS.includes("matroska"); // true
 * SELF_CONTAINED_FORMATS.includes("hls"); // false
 */
export const SELF_CONTAINED_FORMATS: readonly string[] = [
  "mov", // mp4, m4a, 3gp, 3g2, mj2; external data references stay off (FFmpeg's default)
  "matroska", // webm
  "avi",
  "mpegts",
  "mpeg",
  "mpegvideo",
  "flv",
  "asf", // wmv
  "ogg",
  "nut",
  "dv",
  "ivf",
  "yuv4mpegpipe", // y4m
  "h264",
  "hevc",
  "m4v",
  "obu",
  "mjpeg",
  "gif",
];

/** Input options of every run: no protocol but `file`, no demuxer outside {@link SELF_CONTAINED_FORMATS}. */
const CONFINED = ["-protocol_whitelist", "file", "-format_whitelist", SELF_CONTAINED_FORMATS.join(",")];

/** What a non-regular file is, for the error message. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "directory";
  if (stats.isFIFO()) return "FIFO";
  if (stats.isCharacterDevice()) return "character device";
  if (stats.isBlockDevice()) return "block device";
  if (stats.isSocket()) return "socket";
  return "unknown file type";
}

/**
 * Throws unless `stats` (of `path`, symlinks followed) are those of a regular file: a FIFO would block the
 * reader forever and a device such as `/dev/zero` never ends.
 *
 * @throws VidmaeError `E_VIDEO` "<path>: not a regular file (FIFO)"
 * @example
 * assertRegularFile("/dev/zero", await stat("/dev/zero")); // throws: not a regular file (character device)
 */
export function assertRegularFile(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new VidmaeError("E_VIDEO", `${path}: not a regular file (${kindOf(stats)})`);
}

/**
 * Stats `path` (following symlinks, never opening it) and checks that it is a regular file.
 *
 * @throws VidmaeError `E_IO` when it is missing, a dangling symlink or unreadable; `E_VIDEO` when it is not a
 *   regular file
 * @example
 * const { size } = await statRegularFile("clip.mp4");
 */
export async function statRegularFile(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (e) {
    throw new VidmaeError("E_IO", `${path}: cannot read file (${await statFailure(path, e)})`, { cause: e });
  }
  assertRegularFile(path, stats);
  return stats;
}

async function statFailure(path: string, e: unknown): Promise<string> {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    const link = await lstat(path).catch(() => undefined);
    return link?.isSymbolicLink() ? "dangling symlink" : "no such file";
  }
  return code === "EACCES" ? "permission denied" : (e as Error).message;
}

/**
 * Opens `path` for reading only when it is a regular file: checked by path before opening (a device may act on
 * open), and by the open file after, without blocking (`O_NONBLOCK`), in case it was swapped in between.
 *
 * @throws VidmaeError as {@link statRegularFile}
 * @example
 * const file = await openRegularFile("clip.mp4");
 * try { for await (const chunk of file.createReadStream()) use(chunk); } finally { await file.close(); }
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  await statRegularFile(path);
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    assertRegularFile(path, await file.stat());
  } catch (e) {
    await file.close();
    throw e;
  }
  return file;
}

/**
 * Runs ffmpeg or ffprobe on the video at `path`, as `tool <before> <confining options> -i file:<path> <after>`:
 * input options go in `before`. Checks first that `path` is a regular file, so a FIFO is never handed over.
 *
 * @throws VidmaeError as {@link statRegularFile}, and as {@link runTool}
 * @example
 * const run = await runOnVideo("ffprobe", "a.mp4", ["-v", "error", "-show_format"], []);
 */
export async function runOnVideo(
  tool: "ffmpeg" | "ffprobe",
  path: string,
  before: readonly string[],
  after: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  await statRegularFile(path);
  return runTool(tool, [...before, ...CONFINED, "-i", inputUrl(path), ...after], options);
}
