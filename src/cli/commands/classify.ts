/** `vidmae classify`: the fine-tuned head's labels for videos. */
import type { Command } from "commander";
import { LIMITS, addModelOptions, addSamplingOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `classify`.
 *
 * @example
 * // npx vidmae classify a.mp4 b.mp4 --top 3 --json
 */
export function registerClassify(program: Command, io: CliIo): void {
  addSamplingOptions(
    addModelOptions(
      program
        .command("classify <videos...>")
        .description("top-k labels of a fine-tuned checkpoint, averaging logits over clips and crops"),
    ),
  )
    .option("--top <k>", LIMITS.k.help("labels per video", 5))
    .option("--batch <n>", LIMITS.batch.help("clips per inference batch", 1))
    .option("--json", "one JSON line per video")
    .action(lazyAction(io, async () => (await import("../actions/classify.js")).classify));
}
