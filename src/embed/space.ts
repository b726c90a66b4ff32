/**
 * An embedder and its embedding space, both ways: the space an embedder writes into, and the embedder that
 * reproduces a recorded space. Every command, worker and service that embeds into an existing space gets its
 * embedder here, checked against the space before it embeds anything.
 */
import { VidmaeError } from "../errors.js";
import type { PullOptions } from "../model/hub/pull.js";
import { type ModelOptions, VideoMAE } from "../model/videomae/model.js";
import { assertSameSpace } from "../space/compare.js";
import { embedSettingsFor, samplingSpecFor } from "../space/sampling.js";
import type { EmbeddingSpaceSpec } from "../space/spec.js";
import { storedModelName } from "../store/paths.js";
import { Embedder, type EmbedOptions } from "./embedder.js";

/**
 * The space spec for an embedder: model name as given, hub commit, a hash over config, weights and preprocessor
 * config, pooling, sampling, precision and dimension.
 *
 * @param modelName - the `--model` argument as the user gave it (descriptive); a local folder is recorded by its
 *   real absolute path, so the space's checkpoint loads from any directory
 * @example
 * const space = await store.ensureSpace(await spaceSpecFor(embedder, "MCG-NJU/videomae-base"));
 */
export async function spaceSpecFor(embedder: Embedder, modelName: string): Promise<EmbeddingSpaceSpec> {
  const { model } = embedder;
  return {
    model: await storedModelName(modelName),
    revision: model.revision,
    weightsHash: await model.contentHash(),
    pooling: embedder.pooling,
    sampling: samplingSpecFor(embedder.spec),
    precision: model.precision,
    dim: embedder.dim,
  };
}

/**
 * An embedder that reproduces a recorded space with `model`: the space's frames per clip, sampling, crops and
 * pooling. Refuses a model whose weights (or preprocessing) differ from the ones that made the space.
 *
 * @param options - how the embedder runs (batch, prefetch); what the vectors mean comes from the space
 * @throws VidmaeError E_DATA when `model.contentHash()` is not the space's weights hash, or the rebuilt space is
 *   another one (e.g. another precision)
 * @example
 * const model = await VideoMAE.load(space.model, { hub: { revision: space.revision ?? undefined } });
 * const embedder = await embedderForSpace(model, space, { batch: 4 });
 */
export async function embedderForSpace(
  model: VideoMAE,
  space: EmbeddingSpaceSpec,
  options: Pick<EmbedOptions, "batch" | "prefetch"> = {},
): Promise<Embedder> {
  const hash = await model.contentHash();
  if (hash !== space.weightsHash) {
    throw new VidmaeError(
      "E_DATA",
      `${space.model} (${model.dir}) has weights ${hash}, but the embedding space was made with weights ${space.weightsHash}; ` +
        "use the exact checkpoint the space was embedded with",
    );
  }
  const embedder = await Embedder.create(model, { ...embedSettingsFor(space), ...options });
  assertSameSpace(space, await spaceSpecFor(embedder, space.model), {
    wanted: "the vectors are in",
    given: `${space.model} (${model.dir}) embeds into`,
    hint: "load the model at the space's precision, with the exact checkpoint the space was embedded with",
  });
  return embedder;
}

/**
 * Loads the checkpoint that made a space (its model, revision and precision) and the embedder that reproduces
 * the space (see {@link embedderForSpace}); the model is released again if the embedder is refused. The caller
 * releases `model` when done.
 *
 * @param options - how the model runs (threads, provider, warnings) and downloads (hub progress, token)
 * @throws VidmaeError everything {@link VideoMAE.load} and {@link embedderForSpace} throw
 * @example
 * const { model, embedder } = await loadSpaceEmbedder(space, { threads: 2 });
 * try { console.log((await embedder.embedVideo("a.mp4")).vector); } finally { await model.release(); }
 */
export async function loadSpaceEmbedder(
  space: EmbeddingSpaceSpec,
  options: Omit<ModelOptions, "precision"> & { hub?: Omit<PullOptions, "revision"> } = {},
): Promise<{ model: VideoMAE; embedder: Embedder }> {
  const model = await VideoMAE.load(space.model, {
    ...options,
    precision: space.precision,
    hub: { ...options.hub, revision: space.revision ?? undefined },
  });
  try {
    return { model, embedder: await embedderForSpace(model, space) };
  } catch (e) {
    await model.release();
    throw e;
  }
}
