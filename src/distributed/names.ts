/**
 * Names shared by coordinators, workers and `vidmae queue status`: the BullMQ queue and key prefix, job ids, and
 * where workers publish their statistics. Changing any of these splits a running cluster in two.
 */
import { z } from "zod";

/** The BullMQ queue vidmae uses unless told otherwise (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = "vidmae-embed";

/** Prefix of every Redis key vidmae's queues use, so they sit apart from other BullMQ users of the same Redis. */
export const QUEUE_PREFIX = "vidmae";

/** The one BullMQ job name: embed one video into one space. */
export const JOB_NAME = "embed";

/**
 * A queue name: letters, digits, `.`, `_`, `-` (BullMQ reserves `:`).
 *
 * @example
 * queueNameSchema.parse("kinetics-base"); // ok
 */
export const queueNameSchema = z
  .string({ error: "queue name (letters, digits, . _ -)" })
  .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: "queue name (letters, digits, . _ -)" });

/**
 * The job id of a video in a space: the space key and the content hash, so enqueueing a video twice (from two
 * runs, or two coordinators) finds the job already there.
 *
 * @example
 * jobIdFor("9b0f…", "sha256:3c1d…"); // "9b0f…-sha256-3c1d…" (BullMQ ids may not contain ":")
 */
export function jobIdFor(spaceKey: string, contentHash: string): string {
  return `${spaceKey}-${contentHash.replaceAll(":", "-")}`;
}

/**
 * The Redis key a worker publishes its statistics under (with a time to live, so dead workers drop out).
 *
 * @example
 * workerStatsKey("vidmae-embed", "host-1:4242"); // "vidmae:vidmae-embed:workers:host-1:4242"
 */
export function workerStatsKey(queueName: string, workerId: string): string {
  return `${QUEUE_PREFIX}:${queueName}:workers:${workerId}`;
}
