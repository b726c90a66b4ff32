/**
 * Questions asked of stored embeddings: which videos (or clips, with their time ranges) are nearest to one,
 * which videos are near-duplicates of each other, and which time ranges of stored videos best match a query
 * sequence of clips.
 */
import { VidmaeError, invalidParameterError } from "../errors.js";
import type { LoadedVectors, VectorLevel, VectorRow } from "../store/types.js";
import { keyVideoId, vectorKey, type AnnIndex } from "./ann.js";
import { ExactIndex } from "./exact.js";
import { SCORE_ERROR, pairDistance, rowTerms } from "./scores.js";
import { checkMetric, checkPositiveInt, vectorLevel, type Matrix, type Metric } from "./validate.js";

/**
 * One neighbour: its row of the loaded vectors (clip rows carry their time range) and distance.
 *
 * @example
 * const hit: SimilarHit = { row: 4, videoId: 2, path: "b.mp4", label: null, clipIndex: 1, crop: 0,
 *   startSec: 2.1, endSec: 4.2, distance: 0.031 };
 */
export type SimilarHit = VectorRow & { row: number; distance: number };

/**
 * Options of {@link similarVideos}. `level`: `clip` returns clips; `video` returns one hit per video (its
 * nearest row) — the default is the level of the vectors. `index`: an {@link AnnIndex} of the same vectors under
 * {@link vectorKey} keys, to search approximately (its metric is then the metric).
 *
 * @example
 * const options: SimilarOptions = { k: 5, metric: "cosine", level: "video" };
 */
export interface SimilarOptions {
  k?: number;
  metric?: Metric;
  level?: VectorLevel;
  index?: AnnIndex;
}

function checkRows(vectors: LoadedVectors): number {
  const n = vectors.data.length / vectors.dim;
  if (vectors.rows.length !== n)
    throw new VidmaeError("E_SHAPE", `Vectors have ${n} rows of data but ${vectors.rows.length} row records`);
  return n;
}

/**
 * The `k` rows nearest to `query`, nearest first. A query `{ row }` is a stored row; every row of its video is
 * left out (a video is not similar to itself).
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for a bad k, metric, level or row; `E_SHAPE` on a dimension mismatch
 * @example
 * const vectors = await store.loadVectors(space.id, { level: "clip" });
 * const hits = await similarVideos(vectors, { row: 0 }, { k: 5 }); // clips of other videos, with time ranges
 */
export async function similarVideos(
  vectors: LoadedVectors,
  query: Float32Array | { row: number },
  options: SimilarOptions = {},
): Promise<SimilarHit[]> {
  const k = checkPositiveInt(options.k ?? 10, "k");
  const metric = checkMetric(options.metric ?? options.index?.info.metric ?? "cosine");
  if (options.index && options.index.info.metric !== metric)
    throw invalidParameterError("metric", `${options.index.info.metric} (the index's metric)`, metric);
  const stored = vectorLevel(vectors);
  const level = options.level ?? stored;
  if (level !== "video" && level !== "clip")
    throw invalidParameterError("level", "one of: video, clip", level);
  if (level === "clip" && stored === "video")
    throw invalidParameterError(
      "level",
      'video, as the vectors are video vectors (load level "clip" for clips)',
      level,
    );
  const n = checkRows(vectors);
  const { dim, rows } = vectors;

  let vector: Float32Array;
  let ownVideo: number | undefined;
  if (query instanceof Float32Array) vector = query;
  else {
    if (!Number.isInteger(query.row) || query.row < 0 || query.row >= n)
      throw invalidParameterError("row", `integer in [0, ${n})`, query.row);
    vector = vectors.data.subarray(query.row * dim, (query.row + 1) * dim);
    ownVideo = rows[query.row].videoId;
  }

  // Enough candidates that k remain after dropping the query's video and, per video, all but the nearest row.
  const perVideo = new Map<number, number>();
  for (const r of rows) perVideo.set(r.videoId, (perVideo.get(r.videoId) ?? 0) + 1);
  const own = ownVideo === undefined ? 0 : (perVideo.get(ownVideo) ?? 0);
  let spread = 1;
  if (level === "video" && stored === "clip")
    for (const count of perVideo.values()) spread = Math.max(spread, count);
  const wanted = Math.min(n, k * spread + own);

  const candidates: { row: number; distance: number }[] = [];
  if (options.index) {
    const rowOfKey = new Map(rows.map((r, i) => [vectorKey(r), i]));
    // Re-ranked by the loaded float32 vectors: exact distances, and what quantization lost is recovered.
    const found = options.index.search(vector, Math.max(1, wanted), {
      rerank: { vectors, rowOf: (key) => rowOfKey.get(key) },
    });
    for (let j = 0; j < found.k; j++) {
      const row = rowOfKey.get(found.indices[j]);
      // Keys the loaded vectors lack (an index older or newer than them) are skipped.
      if (row !== undefined && keyVideoId(found.indices[j], stored) !== ownVideo)
        candidates.push({ row, distance: found.distances[j] });
    }
  } else if (wanted > 0) {
    const exclude =
      ownVideo === undefined ? undefined : { rowGroups: rows.map((r) => r.videoId), queryGroups: [ownVideo] };
    const found = await ExactIndex.create(vectors, metric).search(vector, wanted, { exclude });
    for (let j = 0; j < found.k && found.indices[j] >= 0; j++)
      candidates.push({ row: found.indices[j], distance: found.distances[j] });
  }

  const seen = new Set<number>();
  const hits: SimilarHit[] = [];
  for (const c of candidates) {
    if (hits.length === k) break;
    const row = rows[c.row];
    if (level === "video" && stored === "clip") {
      if (seen.has(row.videoId)) continue;
      seen.add(row.videoId);
    }
    hits.push({ ...row, row: c.row, distance: c.distance });
  }
  return hits;
}

/**
 * A group of videos whose vectors are near-duplicates, directly or through a chain of near-duplicate pairs.
 *
 * @example
 * const group: DuplicateGroup = { videos: [{ videoId: 1, path: "a.mp4", label: null }, { videoId: 7, path: "a-copy.mp4", label: null }] };
 */
export interface DuplicateGroup {
  videos: Pick<VectorRow, "videoId" | "path" | "label">[];
}

/**
 * Cosine distance below which two videos count as near-duplicates: similarity ≥ 0.98. A re-encode, resize or
 * small trim of one video keeps its mean-pooled embedding within about this distance, while distinct videos,
 * even of one action class, sit further apart; tune it on your own collection.
 */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.02;

/**
 * Groups of near-duplicate videos: connected components of the pairs whose distance is at most `threshold`,
 * computed blockwise over all pairs, largest group first (then by lowest video id). With clip vectors, two
 * videos pair up when any of their clips do; pairs inside one video are ignored.
 *
 * @param options.threshold - distance at or below which a pair links (default
 *   {@link DEFAULT_DUPLICATE_THRESHOLD} for cosine; required for l2, whose scale depends on the vectors)
 * @throws VidmaeError `E_INVALID_ARGUMENT` for a bad threshold or metric
 * @example
 * const groups = await nearDuplicates(await store.loadVectors(space.id, { level: "video" }));
 * for (const g of groups) console.log(g.videos.map((v) => v.path).join(" = "));
 */
export async function nearDuplicates(
  vectors: LoadedVectors,
  options: { threshold?: number; metric?: Metric } = {},
): Promise<DuplicateGroup[]> {
  const metric = checkMetric(options.metric ?? "cosine");
  const threshold = options.threshold ?? (metric === "cosine" ? DEFAULT_DUPLICATE_THRESHOLD : undefined);
  if (typeof threshold !== "number" || !(threshold >= 0))
    throw invalidParameterError(
      "threshold",
      `non-negative number${metric === "l2" ? " (required for l2)" : ""}`,
      threshold,
    );
  checkRows(vectors);
  const { rows, data, dim } = vectors;
  // A pair is a candidate when its float32 distance could be within the threshold, and confirmed in double
  // precision (see SCORE_ERROR): l2 distances near zero are where float32 products are least accurate.
  const squares = metric === "l2" ? rowTerms(data, dim, "l2") : undefined;
  const candidate = (d: number, a: number, b: number): boolean =>
    squares
      ? d * d <= threshold * threshold + SCORE_ERROR * (squares[a] + squares[b])
      : d <= threshold + 2 * SCORE_ERROR;

  // Union-find over videos, numbered densely in order of first appearance.
  const videoOf = new Int32Array(rows.length);
  const firstRow: number[] = [];
  const dense = new Map<number, number>();
  rows.forEach((r, i) => {
    let v = dense.get(r.videoId);
    if (v === undefined) {
      v = firstRow.length;
      dense.set(r.videoId, v);
      firstRow.push(i);
    }
    videoOf[i] = v;
  });
  const parent = Int32Array.from(firstRow, (_, i) => i);
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]];
    return v;
  };

  await ExactIndex.create(vectors, metric).forEachDistanceBlock(
    vectors,
    ({ queryStart, queryCount, rowStart, rowCount, distances }) => {
      for (let i = 0; i < queryCount; i++) {
        const query = queryStart + i;
        const a = videoOf[query];
        // Only rows after the query: each pair once.
        for (let j = Math.max(0, query + 1 - rowStart); j < rowCount; j++) {
          const row = rowStart + j;
          if (!candidate(distances[i * rowCount + j], query, row)) continue;
          const b = videoOf[row];
          if (a === b || pairDistance(data, query, data, row, dim, metric) > threshold) continue;
          const ra = find(a);
          const rb = find(b);
          if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
      }
    },
    { upperTriangle: true },
  );

  const groups = new Map<number, number[]>();
  for (let v = 0; v < firstRow.length; v++) {
    const root = find(v);
    groups.set(root, [...(groups.get(root) ?? []), v]);
  }
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((members) =>
      members
        .map((v) => rows[firstRow[v]])
        .map(({ videoId, path, label }) => ({ videoId, path, label }))
        .sort((a, b) => a.videoId - b.videoId),
    )
    .sort((a, b) => b.length - a.length || a[0].videoId - b[0].videoId)
    .map((videos) => ({ videos }));
}

/**
 * A time range of a stored video that matches the query: clips `firstClip … lastClip`, from the first's start
 * to the last's end, and its score (mean cosine similarity of aligned clips for cosine, minus the mean
 * Euclidean distance for l2: higher is better).
 *
 * @example
 * const m: Moment = { videoId: 4, path: "d.mp4", startSec: 10, endSec: 16.4, firstClip: 5, lastClip: 7, score: 0.93 };
 */
export interface Moment {
  videoId: number;
  path: string;
  startSec: number;
  endSec: number;
  firstClip: number;
  lastClip: number;
  score: number;
}

/** Clips of one video with crops pooled: the stored clip sequence of {@link searchMoments}. */
interface ClipSequence {
  videoId: number;
  path: string;
  /** Position of the video's first clip in the pooled matrix; its clips follow in clip order. */
  start: number;
  clipIndex: number[];
  startSec: number[];
  endSec: number[];
}

/**
 * Mean over crops of each (video, clip) of clip-level vectors, whose rows come ordered by video, clip, crop.
 * Crops are views of one time range, and averaging views is the usual multi-crop evaluation.
 */
function poolCrops(vectors: LoadedVectors): { pooled: Matrix; videos: ClipSequence[] } {
  const { dim, data, rows } = vectors;
  const starts: number[] = [];
  rows.forEach((r, i) => {
    const p = rows[i - 1];
    if (i === 0 || p.videoId !== r.videoId || p.clipIndex !== r.clipIndex) starts.push(i);
  });
  const pooled = new Float32Array(starts.length * dim);
  const videos: ClipSequence[] = [];
  starts.forEach((s, c) => {
    const end = starts[c + 1] ?? rows.length;
    const out = pooled.subarray(c * dim, (c + 1) * dim);
    for (let r = s; r < end; r++) for (let j = 0; j < dim; j++) out[j] += data[r * dim + j] / (end - s);
    const row = rows[s];
    let video = videos.at(-1);
    if (video?.videoId !== row.videoId) {
      video = { videoId: row.videoId, path: row.path, start: c, clipIndex: [], startSec: [], endSec: [] };
      videos.push(video);
    }
    video.clipIndex.push(row.clipIndex ?? 0);
    video.startSec.push(row.startSec ?? 0);
    video.endSec.push(row.endSec ?? 0);
  });
  return { pooled: { dim, data: pooled }, videos };
}

/** A scored alignment of the query with clips `first … last` (positions within one video's sequence). */
interface Window {
  video: number;
  first: number;
  last: number;
  score: number;
}

/**
 * The time ranges of stored videos that best match a query sequence of clips, best first.
 *
 * The query's clips slide along each video's consecutive clips; a window's score is the mean similarity of the
 * aligned pairs (a video shorter than the query is aligned inside it). Averaging, unlike taking each query
 * clip's best match anywhere, rewards the query's order of events. Ranges are picked best window first; a
 * window overlapping a picked range of its video is dropped, and one that touches it joins it when its score is
 * within `mergeTolerance` of the range's, so a long matching stretch comes back as one range.
 *
 * @param clipVectors - stored clip-level vectors (`loadVectors(space, { level: "clip" })`)
 * @param query - the query's clips in order: clip-level vectors of a query video (crops are pooled), or a
 *   plain matrix with one row per clip
 * @param options.k - ranges to return (10); `mergeTolerance` in score units (0.02)
 * @example
 * const moments = await searchMoments(stored, await embedder.clipVectors("query.mp4"), { k: 5 });
 * // [{ videoId: 4, path: "d.mp4", startSec: 10, endSec: 16.4, firstClip: 5, lastClip: 7, score: 0.93 }, …]
 */
export async function searchMoments(
  clipVectors: LoadedVectors,
  query: LoadedVectors | Matrix,
  options: { k?: number; metric?: Metric; mergeTolerance?: number } = {},
): Promise<Moment[]> {
  const k = checkPositiveInt(options.k ?? 10, "k");
  const metric = checkMetric(options.metric ?? "cosine");
  const tolerance = options.mergeTolerance ?? 0.02;
  if (typeof tolerance !== "number" || !(tolerance >= 0))
    throw invalidParameterError("mergeTolerance", "non-negative number", tolerance);
  checkRows(clipVectors);
  if (clipVectors.rows.length > 0 && vectorLevel(clipVectors) !== "clip")
    throw invalidParameterError(
      "clipVectors",
      'clip-level vectors (loadVectors with level "clip")',
      "video-level vectors",
    );
  const { pooled, videos } = poolCrops(clipVectors);
  const q =
    "rows" in query && query.rows.length > 0 && vectorLevel(query) === "clip"
      ? poolCrops(query).pooled
      : query;
  const m = q.data.length / q.dim;
  const total = pooled.data.length / pooled.dim;
  if (m === 0 || total === 0) return [];

  // Similarity of every query clip to every stored clip ([m, total]); m is a handful of clips.
  const sim = new Float32Array(m * total);
  await ExactIndex.create(pooled, metric).forEachDistanceBlock(
    q,
    ({ queryStart, queryCount, rowStart, rowCount, distances }) => {
      for (let i = 0; i < queryCount; i++)
        for (let j = 0; j < rowCount; j++)
          sim[(queryStart + i) * total + rowStart + j] =
            metric === "cosine" ? 1 - distances[i * rowCount + j] : -distances[i * rowCount + j];
    },
  );

  const windows: Window[] = [];
  videos.forEach((v, video) => {
    const len = v.clipIndex.length;
    const pairs = Math.min(len, m);
    // Offsets of the shorter sequence inside the longer one.
    for (let s = 0; s <= Math.abs(len - m); s++) {
      const clip0 = len >= m ? s : 0;
      const query0 = len >= m ? 0 : s;
      let sum = 0;
      for (let j = 0; j < pairs; j++) sum += sim[(query0 + j) * total + v.start + clip0 + j];
      windows.push({ video, first: clip0, last: clip0 + pairs - 1, score: sum / pairs });
    }
  });
  windows.sort((a, b) => b.score - a.score || a.video - b.video || a.first - b.first);

  const picked: Window[] = [];
  const byVideo = new Map<number, Window[]>();
  for (const w of windows) {
    // Ranges keep their first window's score and are picked in score order: the last picked is the lowest.
    if (picked.length === k && w.score < picked[k - 1].score - tolerance) break;
    const ranges = byVideo.get(w.video) ?? [];
    if (ranges.some((r) => w.first <= r.last && w.last >= r.first)) continue;
    const touching = ranges.find(
      (r) => (w.first === r.last + 1 || w.last + 1 === r.first) && w.score >= r.score - tolerance,
    );
    if (touching) {
      touching.first = Math.min(touching.first, w.first);
      touching.last = Math.max(touching.last, w.last);
    } else if (picked.length < k) {
      const range = { ...w };
      picked.push(range);
      byVideo.set(w.video, [...ranges, range]);
    }
  }
  return picked.map((r) => {
    const v = videos[r.video];
    return {
      videoId: v.videoId,
      path: v.path,
      startSec: v.startSec[r.first],
      endSec: v.endSec[r.last],
      firstClip: v.clipIndex[r.first],
      lastClip: v.clipIndex[r.last],
      score: r.score,
    };
  });
}
