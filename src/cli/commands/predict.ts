/** `vidmae predict`: a saved model's labels for stored embeddings, arrays, or video files embedded on the spot. */
import type { Command } from "commander";
import { LIMITS, addPthOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `predict`.
 *
 * @example
 * // npx vidmae predict --classifier model.json new/*.mp4 --json
 * // npx vidmae predict --classifier model.json --model ./videomae-copy new/*.mp4
 */
export function registerPredict(program: Command, io: CliIo): void {
  const command = program
    .command("predict [videos...]")
    .description(
      "labels from a classifier made by vidmae train, for stored vectors, arrays, or videos (embedded in its space)",
    )
    .option("--classifier <model.json>", "the classifier file written by vidmae train (required)")
    .option(
      "--model <dir|file.pth|repo>",
      "checkpoint to embed video files with (default: the one the classifier's space was embedded with; same weights only)",
    )
    .option("--revision <rev>", "hub branch, tag or commit of --model")
    .option("--db <file>", "predict the store's embedded videos (of the classifier's space)")
    .option("--space <id|key>", "embedding space in the store (default: the classifier's)")
    .option("--videos <paths...>", "with --db: only these stored videos")
    .option("--x <npy>", "predict the rows of a float [N, D] .npy file")
    .option("--json", 'print {"classes", "predictions", "probabilities", "paths"} as one JSON object')
    .option("--threads <n>", LIMITS.threads.help("onnxruntime intra-op threads (video files)"))
    .option("--provider <cpu|cuda>", "execution provider for video files (default cpu)");
  addPthOptions(command).action(lazyAction(io, async () => (await import("../actions/predict.js")).predict));
}
