/**
 * The embedding space: everything that decides what an embedding vector means (weights, pooling, sampling,
 * precision, dimension). A spec is validated and normalised here (parameters that do not apply to the sampling
 * method dropped), and its key is the sha256 of the canonical JSON of exactly the fields that change vectors.
 * `model` and `revision` are left out of the key: the weights hash already says which weights ran, so the same
 * checkpoint reached as a hub repo or as a local copy shares one space.
 *
 * The serialised form (store column, model file) writes `sampling.method`; `sampling.strategy`, the embedder's
 * word for it, is read as a synonym.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { invalidParameterError } from "../errors.js";
import { nonEmptyString, parseInput, positiveInt } from "./input.js";

/** How vectors are pooled from the encoder's tokens: mean of patch tokens, or the classification head's input. */
export const POOLINGS = ["mean", "head"] as const;
/** One of {@link POOLINGS}. */
export type Pooling = (typeof POOLINGS)[number];

/** Numeric precision the model ran at. */
export const PRECISIONS = ["fp32", "int8"] as const;
/** One of {@link PRECISIONS}. */
export type Precision = (typeof PRECISIONS)[number];

/**
 * How frames were sampled: `uniform` (one clip over the whole video) or `clips` (K clips of T frames every r
 * frames, both required then), and 1 or 3 spatial crops per clip.
 *
 * @example
 * const s: SamplingSpec = { method: "clips", numFrames: 16, frameSampleRate: 4, clips: 3, crops: 1 };
 */
export interface SamplingSpec {
  method: "uniform" | "clips";
  /** T: frames per clip. */
  numFrames: number;
  /** r: distance between consecutive frames of a clip (`clips` only). */
  frameSampleRate?: number;
  /** K: clips per video (`clips` only). */
  clips?: number;
  crops: 1 | 3;
}

/**
 * Everything that decides what an embedding vector means. Two runs with equal specs produce interchangeable
 * vectors; anything else gets its own space, so vectors never mix.
 *
 * @example
 * const spec: EmbeddingSpaceSpec = {
 *   model: "MCG-NJU/videomae-base-finetuned-kinetics", revision: "8d2a…", weightsHash: "sha256:…",
 *   pooling: "mean", sampling: { method: "uniform", numFrames: 16, crops: 1 }, precision: "fp32", dim: 768,
 * };
 */
export interface EmbeddingSpaceSpec {
  /** Hub repo id or checkpoint directory, as given (descriptive: the weights hash identifies the weights). */
  model: string;
  /** Hub commit, null for a local directory. */
  revision: string | null;
  /** Hash of the weights (and of anything else that changes the vectors and is not below, e.g. preprocessing). */
  weightsHash: string;
  pooling: Pooling;
  sampling: SamplingSpec;
  precision: Precision;
  /** Vector length. */
  dim: number;
}

/**
 * A spec with its {@link spaceKey} (equal across databases), as a model file records it.
 *
 * @example
 * const space: KeyedSpace = keyedSpace(spec); // { ...spec, key: "3f1c…" }
 */
export interface KeyedSpace extends EmbeddingSpaceSpec {
  key: string;
}

/**
 * A stored space: its spec and key, and the store's `id` and creation time.
 *
 * @example
 * const space = await store.ensureSpace(spec); // { id: 1, key: "3f1c…", createdAt: "2026-…", ...spec }
 */
export interface EmbeddingSpace extends KeyedSpace {
  id: number;
  createdAt: string;
}

const samplingFields = z.object(
  {
    method: z.enum(["uniform", "clips"], { error: "one of: uniform, clips" }),
    numFrames: positiveInt,
    frameSampleRate: positiveInt.optional(),
    clips: positiveInt.optional(),
    crops: z.literal([1, 3], { error: "one of: 1, 3" }),
  },
  { error: "object" },
);

/** `{ strategy }` (the embedder's word) read as `{ method }`; anything else is left for the schema to judge. */
function methodFromStrategy(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const { method, strategy } = value as { method?: unknown; strategy?: unknown };
  return method === undefined && strategy !== undefined ? { ...value, method: strategy } : value;
}

/**
 * Sampling parameters, as given and as stored (JSON column `sampling`, model files): `method`, or its synonym
 * `strategy`, is parsed into `method`.
 *
 * @example
 * samplingSchema.parse({ strategy: "uniform", numFrames: 16, crops: 1 }); // { method: "uniform", numFrames: 16, crops: 1 }
 */
export const samplingSchema = z.preprocess(methodFromStrategy, samplingFields);

/**
 * An embedding space spec (see {@link normalizeSpaceSpec} for the method-dependent rules).
 *
 * @example
 * parseInput(spaceSpecSchema, spec, "spec");
 */
export const spaceSpecSchema = z.object(
  {
    model: nonEmptyString,
    revision: nonEmptyString.nullable(),
    weightsHash: nonEmptyString,
    pooling: z.enum(POOLINGS, { error: `one of: ${POOLINGS.join(", ")}` }),
    sampling: samplingSchema,
    precision: z.enum(PRECISIONS, { error: `one of: ${PRECISIONS.join(", ")}` }),
    dim: positiveInt,
  },
  { error: "object" },
);

/**
 * A spec with its key, as a model file holds it.
 *
 * @example
 * parseInput(keyedSpaceSchema, json.space, "model.json.space");
 */
export const keyedSpaceSchema = spaceSpecSchema.extend({
  key: z.string().regex(/^[0-9a-f]{64}$/, { error: "64 hex digits" }),
});

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
 * The space key of a normalised spec: sha256 (hex) of a JSON text with a fixed key order. Stores and model files
 * hold these keys, so the canonical text must never change (a new form needs a new `KEY_FORMAT`).
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

/**
 * A spec in normal form with its key: what a model file records and what two spaces are compared by.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT as {@link normalizeSpaceSpec}
 * @example
 * keyedSpace(await store.getSpace(1)).key; // "3f1c…"
 */
export function keyedSpace(spec: EmbeddingSpaceSpec): KeyedSpace {
  const normal = normalizeSpaceSpec(spec);
  return { ...normal, key: spaceKey(normal) };
}
