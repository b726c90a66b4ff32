/** `vidmae pull`: download a checkpoint into the Hugging Face cache. */
import type { Command } from "commander";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `pull`.
 *
 * @example
 * // npx vidmae pull MCG-NJU/videomae-base --revision main
 */
export function registerPull(program: Command, io: CliIo): void {
  program
    .command("pull <repo>")
    .description(
      "download a model's files (config, preprocessor config, weights) into the Hugging Face cache",
    )
    .option("--revision <rev>", "branch, tag or commit (default: main)")
    .action(lazyAction(io, async () => (await import("../actions/pull.js")).pull));
}
