/** The embedding space an embedder writes into: everything that decides what its vectors mean. */
import type { EmbeddingSpaceSpec } from "../store/types.js";
import type { Embedder } from "./embedder.js";

/**
 * The store's space spec for an embedder: model name as given, hub commit, a hash over config, weights and
 * preprocessor config, pooling, sampling, precision and dimension.
 *
 * @param modelName - the `--model` argument as the user gave it (descriptive)
 * @example
 * const space = await store.ensureSpace(await spaceSpecFor(embedder, "MCG-NJU/videomae-base"));
 */
export async function spaceSpecFor(embedder: Embedder, modelName: string): Promise<EmbeddingSpaceSpec> {
  const { spec, model } = embedder;
  return {
    model: modelName,
    revision: model.revision,
    weightsHash: await model.contentHash(),
    pooling: embedder.pooling,
    sampling: {
      method: spec.sampling.strategy,
      numFrames: spec.numFrames,
      ...(spec.sampling.strategy === "clips"
        ? { frameSampleRate: spec.sampling.frameSampleRate, clips: spec.sampling.clips }
        : {}),
      crops: spec.crops,
    },
    precision: model.precision,
    dim: embedder.dim,
  };
}
