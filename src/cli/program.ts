/** The `vidmae` command tree: every command registered on one commander program. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerClassify } from "./commands/classify.js";
import { registerDemo } from "./commands/demo.js";
import { registerEmbed } from "./commands/embed.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerExport } from "./commands/export.js";
import { registerExportOnnx } from "./commands/export-onnx.js";
import { registerFrames } from "./commands/frames.js";
import { registerForward } from "./commands/forward.js";
import { registerPredict } from "./commands/predict.js";
import { registerPull } from "./commands/pull.js";
import { registerQueue } from "./commands/queue.js";
import { registerServe } from "./commands/serve.js";
import { registerSimilar } from "./commands/similar.js";
import { registerMap } from "./commands/map.js";
import { registerTrain } from "./commands/train.js";
import { registerWorker } from "./commands/worker.js";
import { oneLineUsageErrors } from "./run.js";

/**
 * The `vidmae` program with every command registered and one-line usage errors; `main.ts` runs it on argv.
 *
 * @example
 * await createProgram().parseAsync(["embed", "videos/", "--db", "vidmae.db"], { from: "user" });
 */
export function createProgram(): Command {
  const program = new Command("vidmae")
    .description("Video classification on VideoMAE embeddings")
    .version(VERSION);
  registerForward(program);
  registerExportOnnx(program);
  registerPull(program);
  registerFrames(program);
  registerClassify(program);
  registerEmbed(program);
  registerExport(program);
  registerTrain(program);
  registerEvaluate(program);
  registerPredict(program);
  registerDemo(program);
  registerSimilar(program);
  registerMap(program);
  registerServe(program);
  registerWorker(program);
  registerQueue(program);
  oneLineUsageErrors(program);
  return program;
}
