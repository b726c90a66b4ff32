import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LoadedVectors, VectorRow } from "../../src/store/types.js";
import { AnnIndex, vectorKey } from "../../src/search/ann.js";
import { nearDuplicates, searchMoments, similarVideos } from "../../src/search/similar.js";
import { naiveKnn, randomMatrix, rng } from "./helpers.js";

const dim = 32;

/** Video-level vectors: video i (id 10 + i) at row i. */
function videoVectors(data: Float32Array): LoadedVectors {
  const n = data.length / dim;
  return {
    dim,
    data,
    rows: Array.from({ length: n }, (_, i) => ({ videoId: 10 + i, path: `v${i}.mp4`, label: null })),
  };
}

/** Clip-level vectors of `videos` videos × `clips` clips × `crops` crops, clip c spanning [2c, 2c + 2) s. */
function clipVectors(data: Float32Array, videos: number, clips: number, crops: number): LoadedVectors {
  const rows: VectorRow[] = [];
  for (let v = 0; v < videos; v++)
    for (let c = 0; c < clips; c++)
      for (let crop = 0; crop < crops; crop++)
        rows.push({
          videoId: v + 1,
          path: `v${v + 1}.mp4`,
          label: null,
          clipIndex: c,
          crop,
          startSec: 2 * c,
          endSec: 2 * c + 2,
        });
  return { dim, data, rows };
}

/** Copy of row `from` plus noise of amplitude `eps`. */
function nearCopy(data: Float32Array, from: number, to: number, eps: number, seed: number): void {
  const next = rng(seed);
  for (let j = 0; j < dim; j++) data[to * dim + j] = data[from * dim + j] + eps * (2 * next() - 1);
}

describe("similarVideos", () => {
  const vectors = videoVectors(randomMatrix(50, dim, 5));

  it("returns the nearest other videos, by row or by vector", async () => {
    const hits = await similarVideos(vectors, { row: 3 }, { k: 4 });
    const want = naiveKnn(
      vectors.data,
      vectors.data.subarray(3 * dim, 4 * dim),
      dim,
      4,
      "cosine",
      (_, r) => r === 3,
    )[0];
    assert.deepEqual(
      hits.map((h) => h.row),
      want.map((w) => w.index),
    );
    assert.equal(hits[0].videoId, 10 + want[0].index);
    assert.equal(hits[0].path, `v${want[0].index}.mp4`);
    assert.ok(Math.abs(hits[0].distance - want[0].distance) < 1e-4);
    const byVector = await similarVideos(vectors, vectors.data.subarray(3 * dim, 4 * dim), {
      k: 1,
      metric: "l2",
    });
    assert.equal(byVector[0].row, 3);
    assert.ok(byVector[0].distance < 1e-3);
  });

  it("gives the same answer through an approximate index", async () => {
    const index = AnnIndex.create({ spaceKey: "s", dim });
    index.add(vectors.rows.map(vectorKey), vectors);
    const exact = await similarVideos(vectors, { row: 7 }, { k: 5 });
    const approx = await similarVideos(vectors, { row: 7 }, { k: 5, index });
    assert.deepEqual(
      approx.map((h) => h.videoId),
      exact.map((h) => h.videoId),
    );
  });

  it("returns clips with time ranges, or one clip per video at level video", async () => {
    const clips = clipVectors(randomMatrix(5 * 4, dim, 6), 5, 4, 1);
    const hits = await similarVideos(clips, { row: 0 }, { k: 6 });
    assert.equal(hits.length, 6);
    assert.ok(
      hits.every((h) => h.videoId !== 1 && h.startSec === 2 * h.clipIndex! && h.endSec === h.startSec + 2),
    );
    const videos = await similarVideos(clips, { row: 0 }, { k: 10, level: "video" });
    assert.deepEqual(videos.map((h) => h.videoId).sort(), [2, 3, 4, 5]);
    assert.deepEqual(
      videos.map((h) => h.videoId),
      [
        ...new Set(hits.map((h) => h.videoId)),
        ...[2, 3, 4, 5].filter((v) => !hits.some((h) => h.videoId === v)),
      ],
    );
  });

  it("rejects bad arguments", async () => {
    await assert.rejects(similarVideos(vectors, { row: 0 }, { k: 0 }), {
      message: "Expected positive integer for k but received 0 of type number",
    });
    await assert.rejects(similarVideos(vectors, { row: 50 }), {
      message: "Expected integer in [0, 50) for row but received 50 of type number",
    });
    await assert.rejects(similarVideos(vectors, new Float32Array(512)), {
      code: "E_SHAPE",
      message: "Query has 512 dimensions, but the index has 32",
    });
    await assert.rejects(similarVideos(vectors, { row: 0 }, { level: "clip" }), {
      message:
        'Expected video, as the vectors are video vectors (load level "clip" for clips) for level but received "clip" of type string',
    });
  });
});

describe("nearDuplicates", () => {
  it("groups near-copies, through chains, largest group first", async () => {
    const data = randomMatrix(12, dim, 8);
    nearCopy(data, 0, 4, 0.01, 1);
    nearCopy(data, 0, 9, 0.01, 2);
    nearCopy(data, 1, 6, 0.01, 3);
    // 11 is close to 6 only, 7 close to 11 only: a chain 1 ~ 6 ~ 11 ~ 7.
    nearCopy(data, 6, 11, 0.04, 4);
    nearCopy(data, 11, 7, 0.04, 5);
    const groups = await nearDuplicates(videoVectors(data));
    assert.deepEqual(
      groups.map((g) => g.videos.map((v) => v.videoId)),
      [
        [11, 16, 17, 21],
        [10, 14, 19],
      ],
    );
    assert.equal(groups[1].videos[0].path, "v0.mp4");
    const strict = await nearDuplicates(videoVectors(data), { threshold: 1e-6 });
    assert.deepEqual(strict, []);
  });

  it("pairs videos through their clips, not clips of one video", async () => {
    const data = randomMatrix(3 * 2, dim, 9);
    nearCopy(data, 0, 1, 0.001, 1); // two clips of video 1 alike: not a duplicate pair
    nearCopy(data, 2, 5, 0.001, 2); // a clip of video 2 and one of video 3 alike
    const groups = await nearDuplicates(clipVectors(data, 3, 2, 1), { metric: "l2", threshold: 0.05 });
    assert.deepEqual(
      groups.map((g) => g.videos.map((v) => v.videoId)),
      [[2, 3]],
    );
  });

  it("requires a threshold for l2", async () => {
    await assert.rejects(nearDuplicates(videoVectors(randomMatrix(2, dim, 1)), { metric: "l2" }), {
      message: "Expected non-negative number (required for l2) for threshold but received undefined",
    });
  });
});

describe("searchMoments", () => {
  const videos = 4;
  const clips = 12;
  const crops = 2;
  const stored = clipVectors(randomMatrix(videos * clips * crops, dim, 12), videos, clips, crops);

  it("finds the stored range a query of its clips 5..7 comes from", async () => {
    // The query: clips 5..7 of video 3, crops and all, as a query video's clip vectors would be.
    const first = (2 * clips + 5) * crops;
    const query: LoadedVectors = {
      dim,
      data: stored.data.slice(first * dim, (first + 3 * crops) * dim),
      rows: stored.rows.slice(first, first + 3 * crops),
    };
    const moments = await searchMoments(stored, query, { k: 3 });
    assert.equal(moments.length, 3);
    assert.deepEqual(
      { ...moments[0], score: Math.round(moments[0].score * 1e4) / 1e4 },
      { videoId: 3, path: "v3.mp4", startSec: 10, endSec: 16, firstClip: 5, lastClip: 7, score: 1 },
    );
    assert.ok(moments[1].score < 0.5 && moments[1].score >= moments[2].score);
  });

  it("merges a stretch of matching clips into one range", async () => {
    const data = randomMatrix(3 * 10, dim, 13);
    for (const c of [3, 4, 5, 6]) nearCopy(data, 29, 10 + c, 0.02, c); // clips 3..6 of video 2 ≈ row 29
    const moments = await searchMoments(
      clipVectors(data, 3, 10, 1),
      { dim, data: data.slice(29 * dim, 30 * dim) },
      { k: 2 },
    );
    assert.deepEqual(
      moments.map((m) => [m.videoId, m.firstClip, m.lastClip, m.startSec, m.endSec]),
      [
        [3, 9, 9, 18, 20], // row 29 itself: clip 9 of video 3
        [2, 3, 6, 6, 14],
      ],
    );
  });

  it("rejects video-level vectors", async () => {
    await assert.rejects(
      searchMoments(videoVectors(randomMatrix(2, dim, 1)), { dim, data: new Float32Array(dim) }),
      {
        message:
          'Expected clip-level vectors (loadVectors with level "clip") for clipVectors but received "video-level vectors" of type string',
      },
    );
  });
});
