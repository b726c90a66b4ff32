/**
 * Runs ffprobe with JSON output and validates it at the edge, so the rest of the code reads typed fields.
 */
import type { z } from "zod";
import { VidmaeError } from "../errors.js";
import { ffmpegError } from "./ffmpeg-reason.js";
import { runOnVideo } from "./input.js";

/**
 * Runs `ffprobe -v error <args> -print_format json` on `path` (through {@link runOnVideo}) and parses its
 * output with `schema`. Returns the stderr too: ffprobe reports some damage (a cut file) only there, with exit code 0.
 *
 * @throws VidmaeError `E_VIDEO` naming the file and ffprobe's reason, or its unexpected output
 * @example
 * const { data } = await ffprobeJson("a.mp4", ["-show_format"], z.object({ format: z.object({}) }));
 */
export async function ffprobeJson<S extends z.ZodType>(
  path: string,
  args: readonly string[],
  schema: S,
  signal?: AbortSignal,
): Promise<{ data: z.infer<S>; stderr: string }> {
  const run = await runOnVideo("ffprobe", path, ["-v", "error", ...args, "-print_format", "json"], [], {
    signal,
  });
  if (run.exitCode !== 0) throw ffmpegError(path, run.stderr);
  try {
    return { data: schema.parse(JSON.parse(run.stdout.toString("utf8"))), stderr: run.stderr };
  } catch (e) {
    throw new VidmaeError("E_VIDEO", `${path}: unexpected ffprobe output`, { cause: e });
  }
}
