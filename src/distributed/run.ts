/** A distributed run from start to end: connect to the queue, enqueue, and (unless told not to) wait. */
import type { EmbedSummary } from "../embed/collection.js";
import type { Embedder } from "../embed/embedder.js";
import type { EmbeddingStore } from "../store/types.js";
import { type EnqueueOptions, enqueueCollection } from "./enqueue.js";
import { EmbedQueue } from "./queue.js";
import { type WaitOptions, waitForRun } from "./wait.js";

/** Options of {@link distributeCollection}. */
export interface DistributeOptions extends EnqueueOptions, Omit<WaitOptions, "onEvent"> {
  /** `redis://…` of the queue. */
  queueUrl: string;
  queueName?: string;
  /** Wait for the workers to finish every video. @defaultValue true */
  wait?: boolean;
}

/** A distributed run's summary: the local summary's fields, and what went into the queue. */
export interface DistributedSummary extends EmbedSummary {
  /** Jobs added by this run. */
  added: number;
  /** Videos whose job was waiting or running already. */
  alreadyQueued: number;
  /** False with `wait: false`: `done`, `failed` and `clips` then count nothing the workers did. */
  waited: boolean;
}

/**
 * Embeds a collection through the queue: one job per video not yet in the embedder's space, done by `vidmae
 * worker`s on any machine that reaches the queue and the store. Events and summary are those of
 * `embedCollection`, so the same progress display serves both.
 *
 * @example
 * const store = await openStore("postgres://vidmae@db/vidmae");
 * const summary = await distributeCollection(store, embedder, ["/shared/videos"], {
 *   modelName: "MCG-NJU/videomae-base", queueUrl: "redis://queue:6379", onEvent: console.log,
 * });
 */
export async function distributeCollection(
  store: EmbeddingStore,
  embedder: Embedder,
  inputs: readonly string[],
  options: DistributeOptions,
): Promise<DistributedSummary> {
  const queue = await EmbedQueue.connect(options.queueUrl, { name: options.queueName });
  try {
    const run = await enqueueCollection(store, queue, embedder, inputs, options);
    const queued = { added: run.added, alreadyQueued: run.alreadyQueued };
    if (options.wait === false) {
      const seconds = (performance.now() - run.startedAt) / 1000;
      return { ...run.summary, seconds, ...queued, waited: false };
    }
    return { ...(await waitForRun(store, queue, run, options)), ...queued, waited: true };
  } finally {
    await queue.close();
  }
}
