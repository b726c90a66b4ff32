/**
 * Whether two vectors may be compared: they may when their spaces have one key. Every refusal names both spaces
 * the same way, with one error code (`E_DATA`: the vectors or the model at hand are the wrong data for the task).
 */
import { VidmaeError } from "../errors.js";
import { type EmbeddingSpaceSpec, type KeyedSpace, keyedSpace } from "./spec.js";

/**
 * One line naming a space for people: key prefix, model, pooling, sampling, crops, precision and dimension.
 *
 * @example
 * describeSpace(keyedSpace(spec)); // "3f1c9a12ab34 (MCG-NJU/videomae-base, mean pooling, uniform T=16, 1 crop, fp32, dim 768)"
 */
export function describeSpace(space: KeyedSpace): string {
  const s = space.sampling;
  const sampling =
    s.method === "clips"
      ? `${s.clips} clips T=${s.numFrames} every ${s.frameSampleRate} frames`
      : `uniform T=${s.numFrames}`;
  return `${space.key.slice(0, 12)} (${space.model}, ${space.pooling} pooling, ${sampling}, ${s.crops} crop${s.crops > 1 ? "s" : ""}, ${space.precision}, dim ${space.dim})`;
}

/**
 * The three parts of a refusal, read as "<wanted> embedding space A but <given> space B; <hint>".
 *
 * @example
 * const context: SpaceMismatch = { wanted: "model.json was trained on", given: "these vectors are from", hint: "train a model on this one" };
 */
export interface SpaceMismatch {
  /** What holds the space `wanted`, e.g. "model.json was trained on". */
  wanted: string;
  /** What brings the space `given`, e.g. "these vectors are from". */
  given: string;
  /** What to do about it. */
  hint: string;
}

/**
 * Refuses `given` unless it is the space `wanted` (same key: model name and revision do not count).
 *
 * @throws VidmaeError E_DATA naming both spaces; E_INVALID_ARGUMENT for an invalid spec
 * @example
 * assertSameSpace(model.info.space, space, {
 *   wanted: "model.json was trained on", given: "these vectors are from", hint: "train a model on this one",
 * });
 * // E_DATA: model.json was trained on embedding space 3f1c… (…) but these vectors are from space 9b0f… (…); train a model on this one
 */
export function assertSameSpace(
  wanted: EmbeddingSpaceSpec,
  given: EmbeddingSpaceSpec,
  context: SpaceMismatch,
): void {
  const a = keyedSpace(wanted);
  const b = keyedSpace(given);
  if (a.key === b.key) return;
  throw new VidmaeError(
    "E_DATA",
    `${context.wanted} embedding space ${describeSpace(a)} but ${context.given} space ${describeSpace(b)}; ${context.hint}`,
  );
}
