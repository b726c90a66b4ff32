/** `vidmae export-onnx`: the model as a standalone ONNX file. */
import type { Command } from "commander";
import { LIMITS, addDeprecatedOption, addModelOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `export-onnx`.
 *
 * @example
 * // npx vidmae export-onnx --model MCG-NJU/videomae-base-finetuned-kinetics --out videomae.onnx
 * // npx vidmae export-onnx --model vit_b_k710_dl_from_giant.pth --num-heads 12 --image-size 160 --out v2.onnx
 */
export function registerExportOnnx(program: Command, io: CliIo): void {
  addDeprecatedOption(
    addModelOptions(
      program
        .command("export-onnx")
        .description(
          "write the model as a standalone ONNX file (input pixel_values; label map in the metadata)",
        ),
    ),
    "--frames <n>",
    "--num-frames",
    LIMITS.numFrames,
  )
    .requiredOption("--out <file>", "ONNX file to write")
    .option("--num-frames <T>", LIMITS.numFrames.help("frames per clip", "the config's num_frames"))
    .option(
      "--image-size <px>",
      LIMITS.imageSize.help(
        "image side of a .pth model's graph, a multiple of its patch size (folders: their image_size only)",
        "the model's image_size",
      ),
    )
    .option("--hidden-states", "also expose hidden_states.0 … hidden_states.L")
    .action(lazyAction(io, async () => (await import("../actions/export-onnx.js")).exportOnnx));
}
