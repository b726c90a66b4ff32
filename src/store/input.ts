/**
 * Schemas of the records callers hand the store, parsed with `parseInput` (space/input.ts) so every bad field
 * is reported as "Expected <what> for <field path> but received <value>". The same schemas parse the JSON the
 * store reads back (see rows.ts); the space's own schemas are in space/spec.ts.
 */
import { z } from "zod";
import { nonEmptyString, positiveInt } from "../space/input.js";

const nonNegativeInt = z
  .int({ error: "non-negative integer" })
  .nonnegative({ error: "non-negative integer" });
const finite = z.number({ error: "finite number" });
const float32Array = z.instanceof(Float32Array, { error: "Float32Array" });

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
