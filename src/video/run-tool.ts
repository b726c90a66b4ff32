/**
 * Runs one FFmpeg command-line tool (ffmpeg or ffprobe) as a child process and always cleans it up: on exit, on
 * an error thrown by the stdout consumer, and on abort.
 */
import { spawn } from "node:child_process";
import { VidmaeError } from "../errors.js";

/** How a tool run ended. `stdout` is empty when an `onStdout` consumer took the bytes. */
export interface ToolResult {
  exitCode: number | null;
  stdout: Buffer;
  /** The last {@link STDERR_TAIL_BYTES} bytes of stderr: enough for FFmpeg's final error lines. */
  stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Kills the child process and rejects with the signal's reason when aborted. */
  signal?: AbortSignal;
  /** Streams stdout here instead of collecting it; a throw kills the child and rejects with that error. */
  onStdout?: (chunk: Buffer) => void;
}

/** Stderr kept per run: FFmpeg can log a line per corrupt frame, only the end says why it stopped. */
export const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * Runs `command args…` to completion. Resolves with the exit code even when it is non-zero (callers turn FFmpeg's
 * stderr into a reason); rejects when the tool is not installed, on abort, or when `onStdout` throws.
 *
 * @example
 * const { exitCode, stdout } = await runTool("ffprobe", ["-version"]);
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const { signal, onStdout } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    let failure: unknown;
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error;
      child.kill("SIGKILL");
    };
    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      if (failure !== undefined) return;
      if (!onStdout) {
        out.push(chunk);
        return;
      }
      try {
        onStdout(chunk);
      } catch (e) {
        fail(e);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      err = (err + text).slice(-STDERR_TAIL_BYTES);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      fail(
        e.code === "ENOENT"
          ? new VidmaeError(
              "E_VIDEO",
              `${command} was not found on PATH: install FFmpeg (e.g. apt-get install ffmpeg)`,
              {
                cause: e,
              },
            )
          : e,
      );
    });
    // "close" (not "exit") so that all stdout and stderr has been read.
    child.on("close", (exitCode) => {
      signal?.removeEventListener("abort", onAbort);
      if (failure !== undefined) reject(failure);
      else resolve({ exitCode, stdout: Buffer.concat(out), stderr: err });
    });
  });
}
