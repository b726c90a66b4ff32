/** Loads the model a command names, with a download bar and warnings on stderr. */
import type { Embedder } from "../embed/embedder.js";
import { loadSpaceEmbedder as loadEmbedderForSpace } from "../embed/space.js";
import { VideoMAE } from "../model/videomae/model.js";
import type { EmbeddingSpaceSpec } from "../space/spec.js";
import type { ModelCliOptions } from "./options.js";
import { downloadBar } from "./progress.js";
import type { CliIo } from "./run.js";

/**
 * `VideoMAE.load` with the CLI's conventions: progress bar while downloading, warnings as `vidmae: warning: …`.
 *
 * @example
 * const model = await loadCliModel(parseOptions(modelOptionsSchema, opts), io);
 */
export async function loadCliModel(opts: ModelCliOptions, io: CliIo): Promise<VideoMAE> {
  const bar = downloadBar(io.stderr);
  try {
    return await VideoMAE.load(opts.model, {
      threads: opts.threads,
      executionProvider: opts.provider,
      precision: opts.precision,
      numHeads: opts.numHeads,
      arch: opts.arch,
      onWarning: (m) => io.say(`warning: ${m}`),
      hub: { revision: opts.revision, onProgress: bar.update },
    });
  } finally {
    bar.stop();
  }
}

/**
 * The model and embedder that made an embedding space (same checkpoint and revision, precision, sampling, crops
 * and pooling), for commands that embed new videos into an existing space. Refuses other weights.
 *
 * @example
 * const { model, embedder } = await loadSpaceEmbedder(space, { provider: "cpu" }, io);
 */
export async function loadSpaceEmbedder(
  space: EmbeddingSpaceSpec,
  opts: Pick<ModelCliOptions, "threads" | "provider" | "numHeads" | "arch">,
  io: CliIo,
): Promise<{ model: VideoMAE; embedder: Embedder }> {
  const bar = downloadBar(io.stderr);
  try {
    return await loadEmbedderForSpace(space, {
      threads: opts.threads,
      executionProvider: opts.provider,
      numHeads: opts.numHeads,
      arch: opts.arch,
      onWarning: (m) => io.say(`warning: ${m}`),
      hub: { onProgress: bar.update },
    });
  } finally {
    bar.stop();
  }
}
