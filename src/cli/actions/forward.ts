/** `vidmae forward`: pixel_values in a safetensors file → the model's outputs in another. */
import { z } from "zod";
import { VidmaeError } from "../../errors.js";
import { readSafetensors, writeSafetensors } from "../../model/weights/safetensors.js";
import { type RawTensor, fromFloat32, toFloat32 } from "../../model/weights/tensor.js";
import { loadCliModel } from "../load-model.js";
import { modelOptionsSchema, parseOptions } from "../options.js";
import type { CliIo } from "../run.js";

const schema = modelOptionsSchema.extend({
  input: z.string({ error: "a safetensors file" }).min(1),
  out: z.string({ error: "an output file" }).min(1),
  hiddenStates: z.boolean().default(false),
});

/**
 * `vidmae forward`: runs the encoder on a safetensors file's pixel_values and writes its outputs as
 * safetensors. `raw` is commander's options, checked here.
 *
 * @example
 * await forward(cliIo(), { model: "./tiny", input: "in.safetensors", out: "out.safetensors" });
 */
export async function forward(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const tensors = await readSafetensors(opts.input);
  const pv = tensors.get("pixel_values");
  if (!pv)
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      `${opts.input}: no tensor named pixel_values (found: ${[...tensors.keys()].join(", ") || "none"})`,
    );
  const model = await loadCliModel(opts, io);
  const out = await model.forward(
    { data: toFloat32(pv, "pixel_values", opts.input), dims: pv.shape },
    { hiddenStates: opts.hiddenStates },
  );
  const result: Record<string, RawTensor> = {
    last_hidden_state: fromFloat32(out.lastHiddenState.data, out.lastHiddenState.dims),
    mean_pooled: fromFloat32(out.meanPooled.data, out.meanPooled.dims),
  };
  if (out.pooled) result.pooled = fromFloat32(out.pooled.data, out.pooled.dims);
  if (out.logits) result.logits = fromFloat32(out.logits.data, out.logits.dims);
  out.hiddenStates?.forEach((h, i) => (result[`hidden_states.${i}`] = fromFloat32(h.data, h.dims)));
  await writeSafetensors(opts.out, result, { producer: "vidmae", model: opts.model });
  await model.release();
}
