/** `vidmae pull`: download a checkpoint into the Hugging Face cache. */
import { z } from "zod";
import { isSafeRelativePath } from "../../model/hub/files.js";
import { pullModel } from "../../model/hub/pull.js";
import { parseOptions } from "../options.js";
import { downloadBar } from "../progress.js";
import type { CliIo } from "../run.js";
import { displayPath } from "../../errors.js";

/** The library checks the revision too; checking it here names the flag as typed. */
const schema = z.object({
  revision: z.string().refine(isSafeRelativePath, { error: "a branch, tag or commit" }).optional(),
});

/**
 * `vidmae pull <repo>`: downloads a checkpoint into the cache; prints its folder, and on stderr what was
 * fetched. `raw` is commander's options, checked here.
 *
 * @example
 * await pull(cliIo(), "MCG-NJU/videomae-base", {}); // stdout: the snapshot folder
 */
export async function pull(io: CliIo, repo: string, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const bar = downloadBar(io.stderr);
  const result = await pullModel(repo, { revision: opts.revision, onProgress: bar.update }).finally(bar.stop);
  const how = result.fromCache
    ? "from the cache"
    : `${(result.downloadedBytes / 1e6).toFixed(1)} MB downloaded`;
  io.stdout.write(`${displayPath(result.dir)}\n`);
  io.say(`${repo}@${result.commit}: ${result.files.map(displayPath).join(", ")} (${how})`);
}
