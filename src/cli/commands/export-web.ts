/** `vidmae export-web`: a static site that embeds and classifies videos entirely in the visitor's browser. */
import type { Command } from "commander";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `export-web`.
 *
 * @example
 * // npx vidmae export-web --model MCG-NJU/videomae-base-finetuned-kinetics --out site/
 */
export function registerExportWeb(program: Command, io: CliIo): void {
  program
    .command("export-web")
    .description(
      "write a static site (page, browser bundle, onnxruntime-web, model files) that embeds and classifies videos client-side",
    )
    .requiredOption(
      "--model <dir|repo>",
      "model directory (Hugging Face layout, model.safetensors) or hub repo id",
    )
    .option("--revision <rev>", "hub branch, tag or commit")
    .requiredOption(
      "--out <dir>",
      "folder to write the site into (created; files of the same name are replaced)",
    )
    .action(lazyAction(io, async () => (await import("../actions/export-web.js")).exportWeb));
}
