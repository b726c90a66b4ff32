/** `vidmae classify`: the fine-tuned head's labels for videos. */
import type { Command } from "commander";
import { LIMITS, addDeprecatedOption, addModelOptions, addSamplingOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `classify`.
 *
 * @example
 * // npx vidmae classify a.mp4 b.mp4 --k 3 --json
 */
export function registerClassify(program: Command, io: CliIo): void {
  addDeprecatedOption(
    addSamplingOptions(
      addModelOptions(
        program
          .command("classify <videos...>")
          .description("top-k labels of a fine-tuned checkpoint, averaging logits over clips and crops"),
      ),
    ),
    "--top <k>",
    "--k",
    LIMITS.k,
  )
    .option("--k <k>", LIMITS.k.help("labels per video", 5))
    .option("--batch <n>", LIMITS.batch.help("clips per inference batch", 1))
    .option("--json", "one JSON line per video")
    .action(lazyAction(io, async () => (await import("../actions/classify.js")).classify));
}
