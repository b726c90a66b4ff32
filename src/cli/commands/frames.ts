/** `vidmae frames`: what the model would see of a video — sampled frames and pixel_values, optionally as PNGs. */
import type { Command } from "commander";
import { addPthOptions, addSamplingOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `frames`.
 *
 * @example
 * // npx vidmae frames video.mp4 --sampling clips --clips 2 --model MCG-NJU/videomae-base --out frames.safetensors --png sheets/
 */
export function registerFrames(program: Command, io: CliIo): void {
  const command = addSamplingOptions(
    program
      .command("frames <video>")
      .description(
        "write the sampled frames (uint8, before resizing), their indices and the model's pixel_values to safetensors",
      ),
  )
    .option(
      "--model <dir|file.pth|repo>",
      "take num_frames and the preprocessing from this model (a .pth needs --num-heads or --arch)",
    )
    .option("--revision <rev>", "hub branch, tag or commit")
    .option(
      "--processor <file>",
      "a preprocessor_config.json to use instead of a model's (needs --num-frames)",
    )
    .requiredOption("--out <file>", "safetensors file to write")
    .option("--png <dir>", "also write a contact sheet per clip (and crop) of what the model sees");
  addPthOptions(command).action(lazyAction(io, async () => (await import("../actions/frames.js")).frames));
}
