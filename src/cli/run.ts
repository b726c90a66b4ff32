/**
 * How every command talks and ends: output goes through a {@link CliIo} (the process's streams, or a test's
 * buffers); a VidmaeError prints its message (no stack) and exits non-zero; anything else is a bug, printed with
 * its stack. Usage errors (unknown option, missing argument) print one line too.
 */
import type { Command } from "commander";
import { VidmaeError, escapeControls } from "../errors.js";

/** Where a command writes: `process.stdout`/`process.stderr`, or anything with `write` (a test's buffer). */
export interface CliOutput {
  write(text: string): unknown;
  /** True only for a terminal; progress bars draw only then. */
  readonly isTTY?: boolean;
}

/** What the program needs from its surroundings; {@link buildProgram}'s defaults are the process's own. */
export interface CliDeps {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Records the exit code (a run that fails sets 1, an interrupted embed 130); it does not exit. */
  setExitCode(code: number): void;
}

/** {@link CliDeps} plus `say`, the one-line `vidmae: …` note on stderr every command uses. */
export interface CliIo extends CliDeps {
  /** Writes `vidmae: <text>` to stderr with the text escaped (it may quote file names, labels, replies). */
  say(text: string): void;
}

/**
 * The CLI's I/O over `deps`, by default the process's streams and `process.exitCode`.
 *
 * @example
 * const io = cliIo();
 * io.say("warning: no labels"); // stderr: vidmae: warning: no labels
 */
export function cliIo(deps: Partial<CliDeps> = {}): CliIo {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  return {
    stdout,
    stderr,
    setExitCode:
      deps.setExitCode ??
      ((code) => {
        process.exitCode = code;
      }),
    say: (text) => stderr.write(`vidmae: ${escapeControls(text)}\n`),
  };
}

/**
 * Wraps a command's action so failures print one line to stderr and set a non-zero exit code. The message is
 * escaped: it may quote a file name or a server's reply, which must not forge lines of output.
 *
 * @example
 * program.command("pull").action(action(io, async (repo) => { … }));
 */
export function action<A extends unknown[]>(
  io: CliIo,
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof VidmaeError) {
        io.say(e.message);
        io.setExitCode(1);
      } else {
        io.stderr.write(
          `vidmae: unexpected error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
        );
        io.setExitCode(70);
      }
    }
  };
}

/**
 * {@link action} over an implementation loaded when the command runs, so `vidmae --help` and the other commands
 * do not pay for its imports (models, stores, onnxruntime).
 *
 * @example
 * command.action(lazyAction(io, async () => (await import("../actions/pull.js")).pull));
 */
export function lazyAction<A extends unknown[]>(
  io: CliIo,
  load: () => Promise<(io: CliIo, ...args: A) => Promise<void>>,
): (...args: A) => Promise<void> {
  return action(io, async (...args: A) => (await load())(io, ...args));
}

/** `vidmae queue status` for the `status` command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Makes commander's usage errors, for `command` and all its subcommands, one escaped line ending with where to
 * find the usage, instead of the whole help text: `vidmae: unknown option '--bogus'. Run "vidmae embed --help"
 * for usage.` (commander still exits with 1).
 *
 * @example
 * oneLineUsageErrors(program); // after every command is registered
 */
export function oneLineUsageErrors(command: Command): void {
  const hint = `Run "${commandPath(command)} --help" for usage.`;
  command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      // "error: unknown option '--bogs'\n(Did you mean --batch?)\n" → one sentence.
      const message = escapeControls(
        text
          .replace(/^error: /, "")
          .trim()
          .replace(/\s*\n\s*/g, " "),
      );
      write(`vidmae: ${message}${/[.?!)]$/.test(message) ? "" : "."} ${hint}\n`);
    },
  });
  for (const sub of command.commands) oneLineUsageErrors(sub);
}
