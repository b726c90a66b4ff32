/** `vidmae export-onnx`: the model as a standalone ONNX file. */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { displayPath, wrapError } from "../../errors.js";
import { loadCliModel } from "../load-model.js";
import { LIMITS, addModelOptions, modelOptionsSchema, parseOptions } from "../options.js";
import { action } from "../run.js";

const schema = modelOptionsSchema.extend({
  out: z.string().min(1),
  frames: LIMITS.numFrames.schema().optional(),
  hiddenStates: z.boolean().default(false),
});

/**
 * Registers `export-onnx`.
 *
 * @example
 * // npx vidmae export-onnx --model MCG-NJU/videomae-base-finetuned-kinetics --out videomae.onnx
 */
export function registerExportOnnx(program: Command): void {
  addModelOptions(
    program
      .command("export-onnx")
      .description(
        "write the model as a standalone ONNX file (input pixel_values; label map in the metadata)",
      ),
  )
    .requiredOption("--out <file>", "ONNX file to write")
    .option("--frames <n>", LIMITS.numFrames.help("frames per clip", "the config's num_frames"))
    .option("--hidden-states", "also expose hidden_states.0 … hidden_states.L")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const model = await loadCliModel(opts);
        const bytes = await model.exportOnnx({ frames: opts.frames, hiddenStates: opts.hiddenStates });
        await writeFile(opts.out, bytes).catch((e) => {
          throw wrapError(e, "E_IO", `Cannot write ${opts.out}`);
        });
        process.stdout.write(`${displayPath(opts.out)} (${(bytes.byteLength / 1e6).toFixed(1)} MB)\n`);
        await model.release();
      }),
    );
}
