/** `vidmae export-onnx`: the model as a standalone ONNX file. */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { displayPath, wrapError } from "../../errors.js";
import { loadCliModel } from "../load-model.js";
import { LIMITS, modelOptionsSchema, parseOptions, renamedFlag } from "../options.js";
import type { CliIo } from "../run.js";

const schema = modelOptionsSchema.extend({
  out: z.string().min(1),
  numFrames: LIMITS.numFrames.schema().optional(),
  /** Deprecated spelling of `numFrames`. */
  frames: LIMITS.numFrames.schema().optional(),
  hiddenStates: z.boolean().default(false),
  imageSize: LIMITS.imageSize.schema().optional(),
});

/**
 * `vidmae export-onnx`: writes the model as one ONNX file and prints its path and size. `raw` is commander's
 * options, checked here.
 *
 * @example
 * await exportOnnx(cliIo(), { model: "./tiny", out: "videomae.onnx" }); // videomae.onnx (0.1 MB)
 */
export async function exportOnnx(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const frames = renamedFlag(
    (text) => io.say(text),
    ["--num-frames", opts.numFrames],
    ["--frames", opts.frames],
  );
  const model = await loadCliModel(opts, io);
  const bytes = await model.exportOnnx({ frames, hiddenStates: opts.hiddenStates, size: opts.imageSize });
  await writeFile(opts.out, bytes).catch((e) => {
    throw wrapError(e, "E_IO", `Cannot write ${opts.out}`);
  });
  io.stdout.write(`${displayPath(opts.out)} (${(bytes.byteLength / 1e6).toFixed(1)} MB)\n`);
  await model.release();
}
