/**
 * Validation of what callers hand the store, with zod schemas whose messages are the "expected" half of
 * {@link invalidParameterError}, so every bad field is reported as "Expected <what> for <field path> but
 * received <value>". The same schemas parse the JSON the store reads back (see rows.ts).
 */
import { z } from "zod";
import { invalidParameterError } from "../errors.js";
import { POOLINGS, PRECISIONS } from "./types.js";

const positiveInt = z.int({ error: "positive integer" }).positive({ error: "positive integer" });
const nonNegativeInt = z
  .int({ error: "non-negative integer" })
  .nonnegative({ error: "non-negative integer" });
const finite = z.number({ error: "finite number" });
const nonEmptyString = z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" });
const float32Array = z.instanceof(Float32Array, { error: "Float32Array" });

/**
 * Sampling parameters, as given and as stored (JSON column `sampling`).
 *
 * @example
 * samplingSchema.parse({ method: "uniform", numFrames: 16, crops: 1 });
 */
export const samplingSchema = z.object(
  {
    method: z.enum(["uniform", "clips"], { error: "one of: uniform, clips" }),
    numFrames: positiveInt,
    frameSampleRate: positiveInt.optional(),
    clips: positiveInt.optional(),
    crops: z.literal([1, 3], { error: "one of: 1, 3" }),
  },
  { error: "object" },
);

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
 * Probe metadata: any JSON object.
 *
 * @example
 * probeSchema.parse({ fps: 30, codec: "h264" });
 */
export const probeSchema = z.record(z.string(), z.unknown(), { error: "JSON object or null" });

/**
 * A file handed to `upsertVideos`.
 *
 * @example
 * parseInput(videoFileSchema, { path: "a.mp4", sizeBytes: 1, mtimeMs: 0, contentHash: "h" }, "files[0]");
 */
export const videoFileSchema = z.object(
  {
    path: nonEmptyString,
    sizeBytes: nonNegativeInt,
    mtimeMs: finite,
    contentHash: nonEmptyString,
    probe: probeSchema.nullable().optional(),
    label: z.string({ error: "string or null" }).nullable().optional(),
  },
  { error: "object" },
);

/**
 * Frame indices of a clip, as given and as stored (JSON column `frame_indices`).
 *
 * @example
 * frameIndicesSchema.parse([0, 4, 8, 12]);
 */
export const frameIndicesSchema = z.array(nonNegativeInt, { error: "array of non-negative integers" });

const clipSchema = z.object(
  {
    clipIndex: nonNegativeInt,
    crop: nonNegativeInt,
    frameIndices: frameIndicesSchema,
    startSec: finite,
    endSec: finite,
    vector: float32Array,
  },
  { error: "object" },
);

/**
 * One successful result handed to `saveEmbeddings` (vector lengths are checked against the space separately).
 *
 * @example
 * parseInput(z.array(videoEmbeddingsSchema), batch, "batch");
 */
export const videoEmbeddingsSchema = z.object(
  {
    videoId: positiveInt,
    clips: z.array(clipSchema, { error: "non-empty array" }).min(1, { error: "non-empty array" }),
    videoVector: float32Array,
    tooShort: z.boolean({ error: "boolean" }),
  },
  { error: "object" },
);

/**
 * A failure handed to `saveFailure`.
 *
 * @example
 * parseInput(videoFailureSchema, { code: "E_VIDEO", message: "no video stream" }, "failure");
 */
export const videoFailureSchema = z.object(
  { code: nonEmptyString, message: z.string({ error: "string" }) },
  { error: "object" },
);

/** `batch[0].clips[2].vector` from a zod issue path. */
function fieldName(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : `${name}.${String(key)}`),
    root,
  );
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Parses a caller's value, throwing the first problem as an invalid-argument error named after its field.
 *
 * @param name - the parameter as the caller knows it (`spec`, `files[3]`)
 * @throws VidmaeError E_INVALID_ARGUMENT
 * @example
 * parseInput(spaceSpecSchema, { ...spec, pooling: "max" }, "spec");
 * // Expected one of: mean, head for spec.pooling but received "max" of type string
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidParameterError(fieldName(name, issue.path), issue.message, valueAt(value, issue.path));
}
