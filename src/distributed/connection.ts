/**
 * Redis connections for the queue: one ioredis client per role, which BullMQ takes as is (in ESM it cannot load
 * ioredis itself). Commands wait through a Redis restart instead of failing: ioredis reconnects with backoff and
 * replays what was queued meanwhile.
 */
import { Redis } from "ioredis";
import { invalidParameterError } from "../errors.js";

/** Options of {@link connectRedis}. */
export interface RedisConnectOptions {
  /** Fail commands after a few reconnect attempts instead of waiting for Redis (for one-shot commands). */
  failFast?: boolean;
}

/**
 * True for `redis://` and `rediss://` (TLS) URLs.
 *
 * @example
 * isRedisUrl("redis://queue.internal:6379/0"); // true
 */
export function isRedisUrl(url: string): boolean {
  return /^rediss?:\/\//i.test(url);
}

/**
 * A new ioredis client for `url`. It reconnects for ever (every 0.2–2 s) unless `failFast`; its errors are kept
 * for messages rather than printed.
 *
 * @param url - `redis://[user:password@]host[:port][/db]` or `rediss://…`
 * @throws VidmaeError E_INVALID_ARGUMENT for another scheme
 * @example
 * const redis = connectRedis("redis://127.0.0.1:6379");
 */
export function connectRedis(url: string, options: RedisConnectOptions = {}): Redis {
  if (typeof url !== "string" || !isRedisUrl(url))
    throw invalidParameterError("queue", "redis:// or rediss:// URL", url);
  const redis = new Redis(url, {
    // BullMQ's blocking commands must never give up; one-shot readers give up quickly.
    maxRetriesPerRequest: options.failFast ? 1 : null,
    retryStrategy: (times) => (options.failFast && times > 3 ? null : Math.min(200 * times, 2000)),
    connectTimeout: 5000,
  });
  redis.on("error", () => {});
  return redis;
}
