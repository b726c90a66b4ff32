/** `vidmae forward`: pixel_values in a safetensors file → the model's outputs in another. */
import type { Command } from "commander";
import { addModelOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `forward`.
 *
 * @example
 * // npx vidmae forward --model ./tiny --input in.safetensors --out out.safetensors --hidden-states
 * // npx vidmae forward --model vit_b_k710_dl_from_giant.pth --num-heads 12 --input in.safetensors --out out.safetensors
 */
export function registerForward(program: Command, io: CliIo): void {
  addModelOptions(
    program
      .command("forward")
      .description(
        "run the encoder on pixel_values [B, T, C, H, W] from a safetensors file; write its outputs as float32 safetensors",
      ),
  )
    .requiredOption("--input <file>", "safetensors file holding the tensor pixel_values")
    .requiredOption("--out <file>", "safetensors file to write")
    .option("--hidden-states", "also write hidden_states.0 … hidden_states.L")
    .action(lazyAction(io, async () => (await import("../actions/forward.js")).forward));
}
