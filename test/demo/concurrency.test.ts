import assert from "node:assert/strict";
import { test } from "node:test";
import { mapConcurrent } from "../../src/demo/concurrency.js";

test("mapConcurrent keeps the order and never runs more than the limit at once", async () => {
  let running = 0;
  let peak = 0;
  const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n, i) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return `${i}:${n}`;
  });
  assert.deepEqual(out, ["0:5", "1:1", "2:4", "3:2", "4:3"]);
  assert.equal(peak, 2);
  assert.deepEqual(await mapConcurrent([], 2, async () => 1), []);
});

test("mapConcurrent rejects with the first failure", async () => {
  await assert.rejects(
    mapConcurrent([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error("two");
      return n;
    }),
    /two/,
  );
});
