/** `vidmae classify`: the fine-tuned head's labels for videos. */
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import { Embedder } from "../../embed/embedder.js";
import { loadCliModel } from "../load-model.js";
import { LIMITS, modelOptionsSchema, parseOptions, samplingOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";

const schema = modelOptionsSchema.merge(samplingOptionsSchema).extend({
  top: LIMITS.k.schema().default(5),
  batch: LIMITS.batch.schema().default(1),
  json: z.boolean().default(false),
});

/**
 * `vidmae classify <videos...>`: top-k labels of the checkpoint's head per video; exit 1 if any video failed.
 * `raw` is commander's options, checked here.
 *
 * @example
 * await classify(cliIo(), ["a.mp4"], { top: "3", json: true }); // {"path":"a.mp4","views":1,"top":[…]}
 */
export async function classify(io: CliIo, videos: string[], raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const model = await loadCliModel(opts, io);
  if (model.kind !== "classification")
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      `${opts.model} has no classification head (it is a ${model.kind} checkpoint); use a fine-tuned model such as MCG-NJU/videomae-base-finetuned-kinetics`,
    );
  const embedder = await Embedder.create(model, {
    numFrames: opts.numFrames,
    sampling: { strategy: opts.sampling, clips: opts.clips, frameSampleRate: opts.frameSampleRate },
    crops: opts.crops,
    batch: opts.batch,
  });
  let failed = 0;
  for await (const outcome of embedder.embedVideos(videos)) {
    if ("error" in outcome) {
      failed++;
      if (opts.json)
        io.stdout.write(
          `${JSON.stringify({ path: outcome.path, error: { code: outcome.error.code, message: outcome.error.message } })}\n`,
        );
      else io.say(outcome.error.message);
      continue;
    }
    const { logits, clips } = outcome.embedding;
    const top = model.topK(
      { data: logits!, dims: [1, logits!.length] },
      Math.min(opts.top, logits!.length),
    )[0];
    if (opts.json) io.stdout.write(`${JSON.stringify({ path: outcome.path, views: clips.length, top })}\n`);
    else
      io.stdout.write(
        `${displayPath(outcome.path)}\n${top.map((t) => `  ${t.score.toFixed(4)}  ${escapeControls(t.label)}`).join("\n")}\n`,
      );
  }
  await model.release();
  if (failed > 0) io.setExitCode(1);
}
