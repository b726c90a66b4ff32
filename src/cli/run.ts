/**
 * How every command ends: a VidmaeError prints its message (no stack) and exits non-zero; anything else is a
 * bug, printed with its stack. Usage errors (unknown option, missing argument) print one line too.
 */
import type { Command } from "commander";
import { VidmaeError, escapeControls } from "../errors.js";

/**
 * Wraps a command's action so failures print one line to stderr and set a non-zero exit code. The message is
 * escaped: it may quote a file name or a server's reply, which must not forge lines of output.
 *
 * @example
 * program.command("pull").action(action(async (repo) => { … }));
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof VidmaeError) {
        say(e.message);
        process.exitCode = 1;
      } else {
        process.stderr.write(
          `vidmae: unexpected error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
        );
        process.exitCode = 70;
      }
    }
  };
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

/**
 * Writes one `vidmae: …` line to stderr with its text escaped, for notes, warnings and failures that quote
 * file names, labels or messages from elsewhere.
 *
 * @example
 * say(`warning: ${message}`); // vidmae: warning: …
 */
export function say(text: string): void {
  process.stderr.write(`vidmae: ${escapeControls(text)}\n`);
}
