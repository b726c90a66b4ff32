/**
 * What a job carries: everything a worker on another machine needs to embed one video exactly as the coordinator
 * would have — where the video is and which content it must find there, which model (hub commit or absolute
 * directory) and sampling, and the key of the space the result belongs to, which the worker checks against the
 * model it loaded. Validated with zod on both sides.
 */
import { resolve } from "node:path";
import { z } from "zod";
import type { Embedder } from "../embed/embedder.js";
import { type ErrorCode, isErrorCode } from "../errors.js";
import { parseInput } from "../space/input.js";

const positiveInt = z.int({ error: "positive integer" }).positive({ error: "positive integer" });

/** Version of the payload; a worker refuses jobs of a version it does not know. */
export const JOB_VERSION = 1;

/**
 * The job payload.
 *
 * @example
 * embedJobSchema.parse(job.data);
 */
export const embedJobSchema = z.object(
  {
    version: z.literal(JOB_VERSION, { error: `${JOB_VERSION}` }),
    video: z.object(
      {
        /** An absolute path all workers can see, or an http(s):// URL. */
        uri: z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" }),
        contentHash: z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" }),
        sizeBytes: z.int({ error: "non-negative integer" }).nonnegative({ error: "non-negative integer" }),
        mtimeMs: z.number({ error: "finite number" }),
      },
      { error: "object" },
    ),
    spaceKey: z.string({ error: "space key" }).regex(/^[0-9a-f]{64}$/, { error: "space key" }),
    model: z.object(
      {
        /** Hub repo id (with `revision`) or an absolute directory. */
        name: z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" }),
        revision: z.string({ error: "string or null" }).nullable(),
      },
      { error: "object" },
    ),
    sampling: z.object(
      {
        numFrames: positiveInt,
        strategy: z.enum(["uniform", "clips"], { error: "one of: uniform, clips" }),
        clips: positiveInt,
        frameSampleRate: positiveInt,
        crops: z.literal([1, 3], { error: "one of: 1, 3" }),
        pooling: z.enum(["mean", "head"], { error: "one of: mean, head" }),
      },
      { error: "object" },
    ),
  },
  { error: "object" },
);

/** A parsed job payload. */
export type EmbedJob = z.infer<typeof embedJobSchema>;

/** The model and sampling part of a job, the same for every video of a run. */
export type JobSettings = Pick<EmbedJob, "model" | "sampling">;

/**
 * Parses a payload taken from the queue.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT naming the bad field, e.g. `job.video.uri`
 * @example
 * const data = parseEmbedJob(job.data);
 */
export function parseEmbedJob(data: unknown): EmbedJob {
  return parseInput(embedJobSchema, data, "job");
}

/**
 * The job settings that make a worker embed as `embedder` does: a hub model by repo id and the exact commit the
 * coordinator loaded, a local model by its absolute directory (which workers must see at the same path).
 *
 * @param modelName - the `--model` argument as given
 * @example
 * const settings = jobSettingsFor(embedder, "MCG-NJU/videomae-base");
 * // { model: { name: "MCG-NJU/videomae-base", revision: "3cbf…" }, sampling: { numFrames: 16, … } }
 */
export function jobSettingsFor(embedder: Embedder, modelName: string): JobSettings {
  const { model, spec } = embedder;
  return {
    model:
      model.revision === null
        ? { name: resolve(model.dir), revision: null }
        : { name: modelName, revision: model.revision },
    sampling: {
      numFrames: spec.numFrames,
      strategy: spec.sampling.strategy,
      clips: spec.sampling.clips,
      frameSampleRate: spec.sampling.frameSampleRate,
      crops: spec.crops,
      pooling: embedder.pooling,
    },
  };
}

/** Why a job failed, as the worker records it in the job's data: the code travels as data, not as text. */
export interface JobFailure {
  code: ErrorCode;
  message: string;
}

const jobFailureSchema = z.object({
  code: z.string().refine(isErrorCode),
  message: z.string(),
});

/**
 * The text BullMQ keeps as a failed job's `failedReason` (for people, e.g. in `vidmae queue status`).
 *
 * @example
 * failureReason({ code: "E_VIDEO", message: "a.mp4: moov atom not found" }); // "E_VIDEO: a.mp4: moov atom not found"
 */
export function failureReason(failure: JobFailure): string {
  return `${failure.code}: ${failure.message}`;
}

/**
 * The job data with `failure` recorded beside the payload (which workers parse without it), or null when the
 * data is not an object to add it to.
 *
 * @example
 * await job.updateData(withFailure(job.data, { code: "E_VIDEO", message: "…" }) ?? job.data);
 */
export function withFailure(data: unknown, failure: JobFailure): Record<string, unknown> | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  return { ...data, failure: { code: failure.code, message: failure.message } };
}

/**
 * Why a failed job failed: the failure its worker recorded in the data, when it is the one its `failedReason`
 * states (not one of an earlier attempt); else `E_WORKER` with the reason as the message (a worker that
 * crashed, a stalled job, an older worker).
 *
 * @example
 * const failure = jobFailure(await queue.getJob(id)); // { code: "E_VIDEO", message: "…" }
 */
export function jobFailure(job: { data?: unknown; failedReason?: string } | undefined): JobFailure {
  const reason = job?.failedReason || "the job failed";
  const recorded = jobFailureSchema.safeParse((job?.data as { failure?: unknown } | undefined)?.failure);
  if (recorded.success) {
    const failure = recorded.data as JobFailure;
    if (failureReason(failure) === job?.failedReason) return failure;
  }
  return { code: "E_WORKER", message: reason };
}
