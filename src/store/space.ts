/**
 * Embedding space identity: a spec is validated and normalised (parameters that do not apply to the sampling
 * method dropped), and its key is the sha256 of the canonical JSON of exactly the fields that change vectors.
 * `model` and `revision` are left out: the weights hash already says which weights ran, so the same checkpoint
 * reached as a hub repo or as a local copy shares one space.
 */
import { createHash } from "node:crypto";
import { invalidParameterError } from "../errors.js";
import { parseInput, spaceSpecSchema } from "./input.js";
import type { EmbeddingSpaceSpec, SamplingSpec } from "./types.js";

/** Bumped if the key's canonical form ever changes, so old and new keys cannot collide. */
const KEY_FORMAT = 1;

/**
 * Validates a spec and returns its normal form: `uniform` sampling carries no `frameSampleRate` or `clips`,
 * `clips` sampling must carry both.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT naming the bad field, e.g. `spec.sampling.clips`
 * @example
 * normalizeSpaceSpec({ ...spec, sampling: { method: "uniform", numFrames: 16, clips: 4, crops: 1 } }).sampling;
 * // { method: "uniform", numFrames: 16, crops: 1 }
 */
export function normalizeSpaceSpec(spec: EmbeddingSpaceSpec): EmbeddingSpaceSpec {
  const parsed = parseInput(spaceSpecSchema, spec, "spec");
  const { method, numFrames, frameSampleRate, clips, crops } = parsed.sampling;
  let sampling: SamplingSpec;
  if (method === "uniform") {
    sampling = { method, numFrames, crops };
  } else {
    if (frameSampleRate === undefined) {
      throw invalidParameterError(
        "spec.sampling.frameSampleRate",
        "positive integer with method clips",
        undefined,
      );
    }
    if (clips === undefined) {
      throw invalidParameterError("spec.sampling.clips", "positive integer with method clips", undefined);
    }
    sampling = { method, numFrames, frameSampleRate, clips, crops };
  }
  const { model, revision, weightsHash, pooling, precision, dim } = parsed;
  return { model, revision, weightsHash, pooling, sampling, precision, dim };
}

/**
 * The space key of a normalised spec: sha256 (hex) of a JSON text with a fixed key order.
 *
 * @example
 * spaceKey(normalizeSpaceSpec(spec)); // "9b0f…" (64 hex digits), the same in every database
 */
export function spaceKey(spec: EmbeddingSpaceSpec): string {
  const { sampling: s } = spec;
  const canonical = JSON.stringify({
    format: KEY_FORMAT,
    weightsHash: spec.weightsHash,
    pooling: spec.pooling,
    precision: spec.precision,
    dim: spec.dim,
    sampling: {
      method: s.method,
      numFrames: s.numFrames,
      frameSampleRate: s.frameSampleRate ?? null,
      clips: s.clips ?? null,
      crops: s.crops,
    },
  });
  return createHash("sha256").update(canonical).digest("hex");
}
