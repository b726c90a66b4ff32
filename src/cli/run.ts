/**
 * How every command ends: a VidmaeError prints its message (no stack) and exits non-zero; anything else is a
 * bug, printed with its stack.
 */
import { VidmaeError } from "../errors.js";

/**
 * Wraps a command's action so failures print one line to stderr and set a non-zero exit code.
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
        process.stderr.write(`vidmae: ${e.message}\n`);
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
