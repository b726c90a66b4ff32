/** `vidmae pull`: download a checkpoint into the Hugging Face cache. */
import type { Command } from "commander";
import { z } from "zod";
import { isSafeRelativePath } from "../../model/hub/files.js";
import { pullModel } from "../../model/hub/pull.js";
import { parseOptions } from "../options.js";
import { downloadBar } from "../progress.js";
import { action, say } from "../run.js";
import { displayPath } from "../../errors.js";

/** The library checks the revision too; checking it here names the flag as typed. */
const schema = z.object({
  revision: z.string().refine(isSafeRelativePath, { error: "a branch, tag or commit" }).optional(),
});

/**
 * Registers `pull`.
 *
 * @example
 * // npx vidmae pull MCG-NJU/videomae-base --revision main
 */
export function registerPull(program: Command): void {
  program
    .command("pull <repo>")
    .description(
      "download a model's files (config, preprocessor config, weights) into the Hugging Face cache",
    )
    .option("--revision <rev>", "branch, tag or commit (default: main)")
    .action(
      action(async (repo: string, raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const bar = downloadBar();
        const result = await pullModel(repo, { revision: opts.revision, onProgress: bar.update }).finally(
          bar.stop,
        );
        const how = result.fromCache
          ? "from the cache"
          : `${(result.downloadedBytes / 1e6).toFixed(1)} MB downloaded`;
        process.stdout.write(`${displayPath(result.dir)}\n`);
        say(`${repo}@${result.commit}: ${result.files.map(displayPath).join(", ")} (${how})`);
      }),
    );
}
