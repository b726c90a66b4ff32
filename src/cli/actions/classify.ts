/** `vidmae classify`: the fine-tuned head's labels for videos. */
import { z } from "zod";
import { displayPath, escapeControls } from "../../errors.js";
import { Embedder } from "../../embed/embedder.js";
import { assertClassifier, headLabels } from "../../embed/head.js";
import { loadCliModel } from "../load-model.js";
import { LIMITS, modelOptionsSchema, parseOptions, renamedFlag, samplingOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";

const schema = modelOptionsSchema.merge(samplingOptionsSchema).extend({
  k: LIMITS.k.schema().optional(),
  /** Deprecated spelling of `k`. */
  top: LIMITS.k.schema().optional(),
  batch: LIMITS.batch.schema().default(1),
  json: z.boolean().default(false),
});

/**
 * `vidmae classify <videos...>`: top-k labels of the checkpoint's head per video; exit 1 if any video failed.
 * `raw` is commander's options, checked here.
 *
 * @example
 * await classify(cliIo(), ["a.mp4"], { k: "3", json: true }); // {"path":"a.mp4","views":1,"top":[…]}
 */
export async function classify(io: CliIo, videos: string[], raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const k = renamedFlag((text) => io.say(text), ["--k", opts.k], ["--top", opts.top]) ?? 5;
  const model = await loadCliModel(opts, io);
  assertClassifier(model, opts.model);
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
    const top = headLabels(model, outcome.embedding, k);
    const clips = outcome.embedding.clips;
    if (opts.json) io.stdout.write(`${JSON.stringify({ path: outcome.path, views: clips.length, top })}\n`);
    else
      io.stdout.write(
        `${displayPath(outcome.path)}\n${top.map((t) => `  ${t.score.toFixed(4)}  ${escapeControls(t.label)}`).join("\n")}\n`,
      );
  }
  await model.release();
  if (failed > 0) io.setExitCode(1);
}
