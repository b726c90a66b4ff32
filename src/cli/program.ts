/**
 * The `vidmae` command tree: every command's name, description and options registered on one commander program.
 * Each command's implementation (in `actions/`) is imported only when that command runs, so `--help` and
 * `--version` start fast.
 */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerClassify } from "./commands/classify.js";
import { registerDemo } from "./commands/demo.js";
import { registerEmbed } from "./commands/embed.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerExport } from "./commands/export.js";
import { registerExportOnnx } from "./commands/export-onnx.js";
import { registerExportWeb } from "./commands/export-web.js";
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
import { type CliDeps, cliIo, oneLineUsageErrors } from "./run.js";

/**
 * The `vidmae` program with every command registered and one-line usage errors, writing to `deps` (by default
 * the process's stdout, stderr and exit code). It does not parse: `main.ts` runs it on `process.argv`, tests
 * run it in-process on their own arguments.
 *
 * @param [deps] where output and the exit code go; missing fields are the process's own
 * @example
 * let out = "";
 * const program = buildProgram({ stdout: { write: (t: string) => (out += t) } });
 * await program.parseAsync(["export", "--db", "vidmae.db", "--out", "export/"], { from: "user" });
 */
export function buildProgram(deps: Partial<CliDeps> = {}): Command {
  const io = cliIo(deps);
  const program = new Command("vidmae")
    .description("Video classification on VideoMAE embeddings")
    .version(VERSION)
    // Help, version and usage errors go where the commands write; subcommands inherit this.
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    });
  for (const register of [
    registerForward,
    registerExportOnnx,
    registerExportWeb,
    registerPull,
    registerFrames,
    registerClassify,
    registerEmbed,
    registerExport,
    registerTrain,
    registerEvaluate,
    registerPredict,
    registerDemo,
    registerSimilar,
    registerMap,
    registerServe,
    registerWorker,
    registerQueue,
  ])
    register(program, io);
  oneLineUsageErrors(program);
  return program;
}
