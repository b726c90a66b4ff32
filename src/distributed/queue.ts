/** The embedding queue as coordinators and `vidmae queue status` see it: a BullMQ queue on its own connection. */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { VidmaeError } from "../errors.js";
import { redactUrl } from "../store/postgres.js";
import { connectRedis } from "./connection.js";
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, queueNameSchema } from "./names.js";
import { parseInput } from "../space/input.js";
import type { EmbedJob } from "./job.js";

/** Options of {@link EmbedQueue.connect}. */
export interface QueueConnectOptions {
  /** @defaultValue {@link DEFAULT_QUEUE_NAME} */
  name?: string;
  /** Give up on an unreachable Redis after a few tries instead of waiting for it (one-shot commands). */
  failFast?: boolean;
  /** How long to wait for the first connection. @defaultValue 30000 */
  timeoutMs?: number;
}

/**
 * A connected embedding queue.
 *
 * @example
 * const queue = await EmbedQueue.connect("redis://127.0.0.1:6379");
 * console.log(await queue.queue.getJobCounts());
 * await queue.close();
 */
export class EmbedQueue {
  private constructor(
    /** The BullMQ queue (jobs carry {@link EmbedJob} payloads). */
    readonly queue: Queue<EmbedJob>,
    /** Its Redis connection, for reading what workers publish. */
    readonly redis: Redis,
    readonly name: string,
    /** The Redis URL without password, for messages. */
    readonly where: string,
  ) {}

  /**
   * Connects to the queue `name` on the Redis at `url`.
   *
   * @throws VidmaeError E_INVALID_ARGUMENT for a bad URL or name; E_IO when Redis cannot be reached in time
   */
  static async connect(url: string, options: QueueConnectOptions = {}): Promise<EmbedQueue> {
    const name = parseInput(queueNameSchema, options.name ?? DEFAULT_QUEUE_NAME, "queueName");
    const redis = connectRedis(url, { failFast: options.failFast });
    const where = redactUrl(url);
    const queue = new Queue<EmbedJob>(name, { connection: redis, prefix: QUEUE_PREFIX });
    queue.on("error", () => {});
    const timeoutMs = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.waitUntilReady(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
    } catch (e) {
      await queue.close().catch(() => {});
      redis.disconnect();
      throw new VidmaeError("E_IO", `Cannot reach the queue at ${where}: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
    return new EmbedQueue(queue, redis, name, where);
  }

  /** Closes the queue and its connection. */
  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
