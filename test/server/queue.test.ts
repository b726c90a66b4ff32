import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HttpError } from "../../src/server/http-errors.js";
import { InferenceQueue } from "../../src/server/queue.js";

/** A job that runs until released. */
function held<T>(value: T): { job: () => Promise<T>; release: () => void; started: Promise<void> } {
  let release!: () => void;
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const gate = new Promise<void>((r) => (release = r));
  return {
    job: async () => {
      markStarted();
      await gate;
      return value;
    },
    release,
    started,
  };
}

describe("InferenceQueue", () => {
  test("runs one job at a time, first in first out", async () => {
    const queue = new InferenceQueue();
    const order: number[] = [];
    let running = 0;
    const jobs = [0, 1, 2, 3].map((i) =>
      queue.run(async () => {
        running++;
        assert.equal(running, 1);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        running--;
        return i;
      }),
    );
    assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3]);
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  test("refuses a job at once with 503 E_BUSY and Retry-After when the line is full", async () => {
    const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 1 });
    const a = held("a");
    const b = held("b");
    const first = queue.run(a.job);
    const second = queue.run(b.job);
    await a.started;
    assert.deepEqual(queue.stats, { running: 1, waiting: 1, concurrency: 1, maxWaiting: 1 });
    await assert.rejects(
      queue.run(async () => "c"),
      (e: unknown) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.status, 503);
        assert.equal(e.code, "E_BUSY");
        assert.match(e.headers["retry-after"], /^[1-9]\d*$/);
        return true;
      },
    );
    a.release();
    b.release();
    assert.deepEqual(await Promise.all([first, second]), ["a", "b"]);
    assert.equal(await queue.run(async () => "d"), "d");
  });

  test("an abort while waiting leaves the line; while running it rejects at once but keeps the slot", async () => {
    const queue = new InferenceQueue({ maxWaiting: 4 });
    const a = held("a");
    const running = new AbortController();
    const first = queue.run(a.job, running.signal);
    await a.started;
    const waiting = new AbortController();
    let ran = false;
    const second = queue.run(async () => (ran = true), waiting.signal);
    waiting.abort(new Error("client gone"));
    await assert.rejects(second, /client gone/);
    assert.equal(queue.stats.waiting, 0);
    running.abort(new Error("timeout"));
    await assert.rejects(first, /timeout/);
    assert.equal(queue.stats.running, 1, "the job has not stopped yet");
    const third = queue.run(async () => "c");
    assert.equal(queue.stats.waiting, 1);
    a.release();
    assert.equal(await third, "c");
    assert.equal(ran, false);
  });

  test("an aborted signal is refused before queueing; idle() waits for every job; bad sizes throw", async () => {
    const queue = new InferenceQueue();
    await assert.rejects(
      queue.run(async () => 1, AbortSignal.abort(new Error("gone"))),
      /gone/,
    );
    const a = held(1);
    void queue.run(a.job);
    let idle = false;
    const done = queue.idle().then(() => (idle = true));
    await a.started;
    assert.equal(idle, false);
    a.release();
    await done;
    assert.equal(idle, true);
    await queue.idle();
    assert.throws(() => new InferenceQueue({ concurrency: 0 }), RangeError);
    assert.throws(() => new InferenceQueue({ maxWaiting: -1 }), RangeError);
  });

  test("a job that throws frees its slot", async () => {
    const queue = new InferenceQueue();
    await assert.rejects(
      queue.run(async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await queue.run(async () => 2), 2);
  });
});
