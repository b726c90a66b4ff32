import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { clipIndices, sampleClips, uniformIndices } from "../../src/video/sampling.js";

/** The formulas in BigInt, written independently of the implementation's integer division. */
const ref = {
  uniform(L: number, T: number): number[] {
    return Array.from({ length: T }, (_, i) =>
      Number(((2n * BigInt(i) + 1n) * BigInt(L)) / (2n * BigInt(T))),
    );
  },
  clips(L: number, T: number, r: number, K: number): { clips: number[][]; tooShort: boolean } {
    const w = (T - 1) * r + 1;
    if (L < w) return { clips: [ref.uniform(L, T)], tooShort: true };
    const d = BigInt(L - w);
    const starts =
      K === 1
        ? [Number(d / 2n)]
        : Array.from({ length: K }, (_, k) =>
            Number((2n * BigInt(k) * d + BigInt(K) - 1n) / (2n * BigInt(K) - 2n)),
          );
    return { clips: starts.map((s) => Array.from({ length: T }, (_, i) => s + i * r)), tooShort: false };
  },
};

function assertInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VidmaeError);
    assert.equal(e.code, "E_INVALID_ARGUMENT");
    assert.equal(e.message, message);
    return true;
  });
}

describe("uniformIndices", () => {
  it("takes the middle of each of T equal parts", () => {
    assert.deepEqual(uniformIndices(10, 4), [1, 3, 6, 8]);
    assert.deepEqual(
      uniformIndices(16, 16),
      Array.from({ length: 16 }, (_, i) => i),
    );
    assert.deepEqual(
      uniformIndices(300, 16),
      [9, 28, 46, 65, 84, 103, 121, 140, 159, 178, 196, 215, 234, 253, 271, 290],
    );
  });

  it("repeats frames when the video has fewer than T (L < T)", () => {
    assert.deepEqual(uniformIndices(3, 16), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    assert.deepEqual(uniformIndices(1, 4), [0, 0, 0, 0]);
  });

  it("matches the formula for every L <= 300 and T <= 32", () => {
    for (let L = 1; L <= 300; L++)
      for (let T = 1; T <= 32; T++) assert.deepEqual(uniformIndices(L, T), ref.uniform(L, T));
  });

  it("stays exact for very large L", () => {
    for (const L of [2 ** 46 - 1, 2 ** 47 + 12345, 3 ** 29]) {
      for (const T of [3, 7, 16]) assert.deepEqual(uniformIndices(L, T), ref.uniform(L, T));
    }
  });

  it("rejects counts that are not positive integers", () => {
    assertInvalid(
      () => uniformIndices(0, 16),
      "Expected positive integer for frameCount but received 0 of type number",
    );
    assertInvalid(
      () => uniformIndices(10, 2.5),
      "Expected positive integer for numFrames but received 2.5 of type number",
    );
  });
});

describe("clipIndices", () => {
  it("centres one clip (K = 1) with frame sample rate r", () => {
    // w = 3*4 + 1 = 13, start = floor((20 - 13) / 2) = 3
    assert.deepEqual(clipIndices(20, 4, { frameSampleRate: 4 }), {
      clips: [[3, 7, 11, 15]],
      tooShort: false,
    });
    // defaults: r = 4, K = 1; w = 61 for T = 16
    assert.deepEqual(
      clipIndices(100, 16).clips[0],
      Array.from({ length: 16 }, (_, i) => 19 + 4 * i),
    );
  });

  it("spreads K clips from the first to the last frame, starts rounded half up", () => {
    // w = 7, L - w = 93: starts 0 and 93
    assert.deepEqual(clipIndices(100, 4, { frameSampleRate: 2, clips: 2 }).clips, [
      [0, 2, 4, 6],
      [93, 95, 97, 99],
    ]);
    // L - w = 5, K = 3: 0, 2.5 -> 3, 5
    const three = clipIndices(10, 3, { frameSampleRate: 2, clips: 3 }).clips.map((c) => c[0]);
    assert.deepEqual(three, [0, 3, 5]);
    // L - w = 1, K = 3: 0, 0.5 -> 1, 1
    assert.deepEqual(
      clipIndices(6, 3, { frameSampleRate: 2, clips: 3 }).clips.map((c) => c[0]),
      [0, 1, 1],
    );
    // L - w = 7, K = 5: 0, 1.75 -> 2, 3.5 -> 4, 5.25 -> 5, 7
    assert.deepEqual(
      clipIndices(12, 3, { frameSampleRate: 2, clips: 5 }).clips.map((c) => c[0]),
      [0, 2, 4, 5, 7],
    );
  });

  it("fits exactly when L == w", () => {
    assert.deepEqual(clipIndices(13, 4, { frameSampleRate: 4 }), { clips: [[0, 4, 8, 12]], tooShort: false });
    assert.deepEqual(clipIndices(13, 4, { frameSampleRate: 4, clips: 3 }), {
      clips: [
        [0, 4, 8, 12],
        [0, 4, 8, 12],
        [0, 4, 8, 12],
      ],
      tooShort: false,
    });
  });

  it("falls back to one uniform clip and says so when L < w", () => {
    assert.deepEqual(clipIndices(12, 4, { frameSampleRate: 4, clips: 3 }), {
      clips: [uniformIndices(12, 4)],
      tooShort: true,
    });
    assert.deepEqual(clipIndices(3, 16), { clips: [uniformIndices(3, 16)], tooShort: true }); // L < T too
  });

  it("matches the formulas for every L <= 120, T <= 8, r <= 5, K <= 5", () => {
    for (let L = 1; L <= 120; L++)
      for (let T = 1; T <= 8; T++)
        for (let r = 1; r <= 5; r++)
          for (let K = 1; K <= 5; K++)
            assert.deepEqual(
              clipIndices(L, T, { frameSampleRate: r, clips: K }),
              ref.clips(L, T, r, K),
              `L=${L} T=${T} r=${r} K=${K}`,
            );
  });

  it("rejects a bad clip count or frame sample rate", () => {
    assertInvalid(
      () => clipIndices(100, 16, { clips: -1 }),
      "Expected positive integer for clips but received -1 of type number",
    );
    assertInvalid(
      () => clipIndices(100, 16, { frameSampleRate: 0 }),
      "Expected positive integer for frameSampleRate but received 0 of type number",
    );
    assertInvalid(
      () => clipIndices(100, 16, { clips: "2" as unknown as number }),
      'Expected positive integer for clips but received "2" of type string',
    );
  });
});

describe("sampleClips", () => {
  it("samples uniformly by default", () => {
    assert.deepEqual(sampleClips(300, 16), { clips: [uniformIndices(300, 16)], tooShort: false });
    assert.deepEqual(sampleClips(3, 16, { strategy: "uniform" }), {
      clips: [uniformIndices(3, 16)],
      tooShort: false,
    });
  });

  it("dispatches to clipIndices", () => {
    const options = { frameSampleRate: 2, clips: 3 };
    assert.deepEqual(sampleClips(100, 8, { strategy: "clips", ...options }), clipIndices(100, 8, options));
  });

  it("rejects an unknown strategy", () => {
    assertInvalid(
      () => sampleClips(100, 16, { strategy: "dense" as "uniform" }),
      'Expected one of: uniform, clips for strategy but received "dense" of type string',
    );
  });
});
