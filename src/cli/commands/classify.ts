/** `vidmae classify`: the fine-tuned head's labels for videos. */
import type { Command } from "commander";
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import { Embedder } from "../../embed/embedder.js";
import { loadCliModel } from "../load-model.js";
import {
  LIMITS,
  addModelOptions,
  addSamplingOptions,
  modelOptionsSchema,
  parseOptions,
  samplingOptionsSchema,
} from "../options.js";
import { action, say } from "../run.js";

const schema = modelOptionsSchema.merge(samplingOptionsSchema).extend({
  top: LIMITS.k.schema().default(5),
  batch: LIMITS.batch.schema().default(1),
  json: z.boolean().default(false),
});

/**
 * Registers `classify`.
 *
 * @example
 * // npx vidmae classify a.mp4 b.mp4 --top 3 --json
 */
export function registerClassify(program: Command): void {
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
    .action(
      action(async (videos: string[], raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const model = await loadCliModel(opts);
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
              process.stdout.write(
                `${JSON.stringify({ path: outcome.path, error: { code: outcome.error.code, message: outcome.error.message } })}\n`,
              );
            else say(outcome.error.message);
            continue;
          }
          const { logits, clips } = outcome.embedding;
          const top = model.topK(
            { data: logits!, dims: [1, logits!.length] },
            Math.min(opts.top, logits!.length),
          )[0];
          if (opts.json)
            process.stdout.write(`${JSON.stringify({ path: outcome.path, views: clips.length, top })}\n`);
          else
            process.stdout.write(
              `${displayPath(outcome.path)}\n${top.map((t) => `  ${t.score.toFixed(4)}  ${escapeControls(t.label)}`).join("\n")}\n`,
            );
        }
        await model.release();
        if (failed > 0) process.exitCode = 1;
      }),
    );
}
