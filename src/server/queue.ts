/**
 * The bounded inference queue: at most `concurrency` jobs run (one by default: a model already uses every core),
 * at most `maxWaiting` wait, and anything beyond is refused at once with 503 + Retry-After, so memory stays bounded
 * however many requests arrive.
 */
import { HttpError } from "./http-errors.js";

/** Options of an {@link InferenceQueue}. */
export interface QueueOptions {
  /** Jobs running at once. @defaultValue 1 */
  concurrency?: number;
  /** Jobs waiting at most; the next one is refused. @defaultValue 8 */
  maxWaiting?: number;
}

/** Snapshot of a queue's occupancy. */
export interface QueueStats {
  running: number;
  waiting: number;
  concurrency: number;
  maxWaiting: number;
}

/**
 * A FIFO of async jobs with bounded concurrency and a bounded waiting line.
 *
 * A caller's abort (timeout, client gone) rejects its promise at once; a waiting job then leaves the line, while a
 * running one keeps its slot until it has actually stopped (it gets the signal), so the work in progress never
 * exceeds `concurrency`.
 *
 * @example
 * const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 4 });
 * const vector = await queue.run((signal) => embedder.embedVideo(path, signal), request.signal);
 */
export class InferenceQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  /** Moving average of job run time, for Retry-After. */
  private meanSeconds = 1;
  readonly concurrency: number;
  readonly maxWaiting: number;

  constructor(options: QueueOptions = {}) {
    this.concurrency = options.concurrency ?? 1;
    this.maxWaiting = options.maxWaiting ?? 8;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
    if (!Number.isInteger(this.maxWaiting) || this.maxWaiting < 0)
      throw new RangeError(`maxWaiting must be a non-negative integer, got ${this.maxWaiting}`);
  }

  /** Current occupancy. */
  get stats(): QueueStats {
    return {
      running: this.running,
      waiting: this.waiting.length,
      concurrency: this.concurrency,
      maxWaiting: this.maxWaiting,
    };
  }

  /** Seconds until a slot is likely free: everything ahead at the average job time. */
  retryAfterSeconds(): number {
    const ahead = this.running + this.waiting.length;
    return Math.max(1, Math.ceil((this.meanSeconds * ahead) / this.concurrency));
  }

  /**
   * Runs `job` when a slot is free.
   *
   * @throws HttpError 503 `E_BUSY` (with Retry-After) when the waiting line is full; `signal.reason` on abort
   */
  run<T>(job: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) {
      const after = this.retryAfterSeconds();
      return Promise.reject(
        new HttpError(
          503,
          "E_BUSY",
          `The server is busy (${this.running} running, ${this.waiting.length} waiting); retry in ${after} s`,
          { "retry-after": String(after) },
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        const t0 = performance.now();
        Promise.resolve()
          .then(() => job(signal ?? new AbortController().signal))
          .then(resolve, reject)
          .finally(() => {
            signal?.removeEventListener("abort", onAbort);
            this.meanSeconds = 0.8 * this.meanSeconds + 0.2 * ((performance.now() - t0) / 1000);
            this.running--;
            this.next();
          });
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(start);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
        this.next();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }

  /**
   * Resolves when nothing runs or waits (graceful shutdown).
   *
   * @example
   * await app.close(); await queue.idle();
   */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) this.waiting.shift()!();
    if (this.running === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
  }
}
