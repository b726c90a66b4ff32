/**
 * `vidmae/distributed`: Embedding on many machines: a Redis + BullMQ queue, workers, status.
 *
 * @example
 * import { EmbedQueue, formatQueueStatus, queueStatus } from "vidmae/distributed";
 * const queue = await EmbedQueue.connect("redis://127.0.0.1:6379", { failFast: true });
 * process.stdout.write(formatQueueStatus(await queueStatus(queue)));
 */
export { distributeCollection, type DistributeOptions, type DistributedSummary } from "./run.js";
export { enqueueCollection, type EnqueueOptions, type EnqueuedRun, type RunJob } from "./enqueue.js";
export { waitForRun, type WaitOptions } from "./wait.js";
export { runWorker, type WorkerOptions, type WorkerEvent, type RunningWorker } from "./worker.js";
export { EmbedQueue, type QueueConnectOptions } from "./queue.js";
export { queueStatus, formatQueueStatus, type QueueStatus, type FailedJob } from "./status.js";
export { embedJobSchema, parseEmbedJob, type EmbedJob } from "./job.js";
export { DEFAULT_QUEUE_NAME, jobIdFor } from "./names.js";
export { type WorkerSnapshot } from "./stats.js";
