/**
 * Turns the stderr of a failed ffmpeg/ffprobe run into one short reason a person can act on, and names inputs
 * the one way FFmpeg cannot misread.
 */
import { VidmaeError } from "../errors.js";

/**
 * The FFmpeg input for a file path: `file:` so that a name is never read as an option (`-x.mp4`) or a protocol
 * (`a:b.mp4`).
 *
 * @example
 * inputUrl("a:b.mp4"); // "file:a:b.mp4"
 */
export function inputUrl(path: string): string {
  return `file:${path}`;
}

/** FFmpeg's own words mapped to what they mean for the user; the first match wins. */
const KNOWN_FAILURES: ReadonlyArray<[RegExp, string]> = [
  // A cut MP4 and a non-MP4 named .mp4 both lack the index FFmpeg looks for first.
  [/moov atom not found/i, "truncated or not an MP4/MOV file"],
  [/File ended prematurely|partial file/i, "truncated file"],
  [/Decoder \(codec [^)]*\) not found|Failed to open codec|unsupported codec/i, "unsupported video codec"],
  [/Invalid data found when processing input/i, "not a readable media file"],
];

/**
 * How FFmpeg refuses a demuxer outside `-format_whitelist`; the line's prefix names the demuxer it detected.
 */
const FORMAT_REFUSED = /\[([^\s\]@]+) @ 0x[0-9a-f]+\]\s*Format not on whitelist/i;

/** FFmpeg prefixes lines with the component (`[mov,mp4 @ 0x55…] `) and errors about the input with its name. */
function cleanLine(line: string, url: string): string {
  let s = line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, "").trim();
  if (s.startsWith(`${url}: `)) s = s.slice(url.length + 2);
  return s;
}

/**
 * The reason a run failed, e.g. `truncated file (FFmpeg: File ended prematurely)`, from its stderr.
 * `url` is the input as FFmpeg was given it, so that its echo of the name can be dropped.
 *
 * @example
 * ffmpegReason("file:x.txt: Invalid data found when processing input\n", "file:x.txt");
 * // "not a readable media file (FFmpeg: Invalid data found when processing input)"
 * ffmpegReason("[hls @ 0x5581] Format not on whitelist 'mov,…'\n", "file:a.m3u8");
 * // "container format hls is not allowed (only self-contained video files are read)"
 */
export function ffmpegReason(stderr: string, url: string): string {
  const refused = FORMAT_REFUSED.exec(stderr);
  if (refused)
    return `container format ${refused[1]} is not allowed (only self-contained video files are read)`;
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => cleanLine(l, url))
    .filter((l) => l.length > 0);
  for (const [pattern, meaning] of KNOWN_FAILURES) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return `${meaning} (FFmpeg: ${line})`;
  }
  const last = lines.at(-1);
  return last === undefined ? "FFmpeg failed without a message" : `FFmpeg: ${last}`;
}

/**
 * The error for a failed run on `path`: `E_VIDEO`, "<path>: <reason>", FFmpeg's stderr tail as the cause.
 *
 * @example
 * if (run.exitCode !== 0) throw ffmpegError("a.mp4", run.stderr);
 */
export function ffmpegError(path: string, stderr: string): VidmaeError {
  return new VidmaeError("E_VIDEO", `${path}: ${ffmpegReason(stderr, inputUrl(path))}`, {
    cause: new Error(stderr),
  });
}
