/** Loads the model a command names, with a download bar and warnings on stderr. */
import { VideoMAE } from "../model/videomae/model.js";
import type { ModelCliOptions } from "./options.js";
import { downloadBar } from "./progress.js";

/**
 * `VideoMAE.load` with the CLI's conventions: progress bar while downloading, warnings as `vidmae: warning: …`.
 *
 * @example
 * const model = await loadCliModel(parseOptions(modelOptionsSchema, opts));
 */
export async function loadCliModel(opts: ModelCliOptions): Promise<VideoMAE> {
  const bar = downloadBar();
  try {
    return await VideoMAE.load(opts.model, {
      threads: opts.threads,
      executionProvider: opts.provider,
      precision: opts.precision,
      onWarning: (m) => process.stderr.write(`vidmae: warning: ${m}\n`),
      hub: { revision: opts.revision, onProgress: bar.update },
    });
  } finally {
    bar.stop();
  }
}
