/** `vidmae similar`, `vidmae duplicates`, `vidmae search-moments`: distance means similarity. */
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import { embedCollection } from "../../embed/collection.js";
import { updateAnnIndex } from "../../search/ann.js";
import { pairDistance } from "../../search/scores.js";
import {
  DEFAULT_DUPLICATE_THRESHOLD,
  type DuplicateGroup,
  type SimilarHit,
  nearDuplicates,
  searchMoments,
  similarVideos,
} from "../../search/similar.js";
import type { Metric } from "../../search/validate.js";
import { openStore, selectSpace } from "../../store/open.js";
import type { EmbeddingSpace } from "../../space/spec.js";
import type { EmbeddingStore, LoadedVectors } from "../../store/types.js";
import { loadSpaceEmbedder } from "../load-model.js";
import { LIMITS, parseOptions, pthOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";

const common = z.object({
  db: z.string().min(1),
  space: z.string().min(1).optional(),
  metric: z.enum(["cosine", "l2"], { error: "one of: cosine, l2" }).default("cosine"),
  json: z.boolean().default(false),
  threads: LIMITS.threads.schema().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
  ...pthOptionsSchema.shape,
});

const similarSchema = common.extend({
  id: LIMITS.id.schema().optional(),
  k: LIMITS.k.schema().default(10),
  level: z.enum(["video", "clip"], { error: "one of: video, clip" }).default("video"),
  approximate: z.boolean().default(false),
  store: z.boolean().default(false),
});

const duplicatesSchema = common.extend({
  threshold: LIMITS.threshold.schema().optional(),
});

const momentsSchema = common.extend({ k: LIMITS.k.schema().default(10) });

/** Opens the store and space, runs `fn`, closes the store. */
async function withSpace<T>(
  opts: z.infer<typeof common>,
  io: CliIo,
  fn: (store: EmbeddingStore, space: EmbeddingSpace) => Promise<T>,
): Promise<T> {
  const store = await openStore(opts.db, { onWarning: io.say });
  try {
    return await fn(store, await selectSpace(store, opts.space));
  } finally {
    await store.close();
  }
}

/** Embeds one file in the space's own settings; with `store`, saves it there too. Returns its clip vectors. */
async function embedQuery(
  file: string,
  store: EmbeddingStore,
  space: EmbeddingSpace,
  opts: z.infer<typeof common> & { store?: boolean },
  io: CliIo,
): Promise<{ video: Float32Array; clips: Float32Array[] }> {
  const { model, embedder } = await loadSpaceEmbedder(space, opts, io);
  try {
    const e = await embedder.embedVideo(file);
    if (opts.store) await embedCollection(store, embedder, [file], { modelName: space.model });
    return { video: e.vector, clips: e.clips.map((c) => c.vector) };
  } finally {
    await model.release();
  }
}

function formatTime(sec: number): string {
  return `${Math.floor(sec / 60)}:${(sec % 60).toFixed(2).padStart(5, "0")}`;
}

/**
 * What the text output prints for a metric, so a reader never has to guess which way is closer: cosine
 * similarity (1 − the cosine distance searched with), or the L2 distance itself.
 */
function measure(metric: Metric, of = ""): { column: string; header: string; value: (d: number) => number } {
  return metric === "cosine"
    ? { column: "similarity", header: `# ${of}cosine similarity (higher is closer)`, value: (d) => 1 - d }
    : { column: "distance", header: `# ${of}L2 distance (lower is closer)`, value: (d) => d };
}

/** The measure line and the column headers above a text table; `columns` follow the score's column. */
function writeHeader(io: CliIo, m: ReturnType<typeof measure>, columns: string[], lead: string[] = []): void {
  io.stdout.write(`${m.header}\n${[...lead, m.column, ...columns].join("  ")}\n`);
}

function printHits(io: CliIo, hits: SimilarHit[], metric: Metric, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(hits.map(({ row: _row, ...h }) => h))}\n`);
    return;
  }
  const m = measure(metric);
  const clips = hits.some((h) => h.startSec !== undefined);
  writeHeader(io, m, ["path", ...(clips ? ["[start–end]"] : []), "(label)"]);
  for (const h of hits) {
    const range = h.startSec !== undefined ? `  [${formatTime(h.startSec)}–${formatTime(h.endSec!)}]` : "";
    const label = h.label ? `  (${escapeControls(h.label)})` : "";
    io.stdout.write(`${m.value(h.distance).toFixed(4)}  ${displayPath(h.path)}${range}${label}\n`);
  }
}

/** The row of video `id` in video-level vectors. */
function videoRow(vectors: LoadedVectors, id: number): number {
  const row = vectors.rows.findIndex((r) => r.videoId === id);
  if (row < 0)
    throw new VidmaeError("E_INVALID_ARGUMENT", `Video ${id} has no stored embedding in this space`);
  return row;
}

/**
 * `vidmae similar [video]`: the nearest stored videos or clips to a video file or a stored video (`--id`).
 * `raw` is commander's options, checked here.
 *
 * @example
 * await similar(cliIo(), "clip.mp4", { db: "vidmae.db", k: "5" });
 */
export async function similar(
  io: CliIo,
  video: string | undefined,
  raw: Record<string, unknown>,
): Promise<void> {
  const opts = parseOptions(similarSchema, raw);
  if (video === undefined && opts.id === undefined)
    throw new VidmaeError("E_INVALID_ARGUMENT", "Give a video file or --id");
  if (video !== undefined && opts.id !== undefined)
    throw new VidmaeError("E_INVALID_ARGUMENT", "Give either a video file or --id, not both");
  await withSpace(opts, io, async (store, space) => {
    const videos = await store.loadVectors(space.id, { level: "video" });
    let q: Float32Array;
    if (video !== undefined) q = (await embedQuery(video, store, space, opts, io)).video;
    else {
      const row = videoRow(videos, opts.id!);
      q = videos.data.slice(row * videos.dim, (row + 1) * videos.dim);
    }
    const vectors = opts.level === "video" ? videos : await store.loadVectors(space.id, { level: "clip" });
    const index = opts.approximate
      ? (await updateAnnIndex(opts.db, { spaceKey: space.key, dim: space.dim, metric: opts.metric }, vectors))
          .index
      : undefined;
    // A stored query is its own nearest neighbour: leave its own video out.
    const hits = (
      await similarVideos(vectors, q, {
        k: opts.k + (opts.id ? 1 : 0),
        metric: opts.metric,
        level: opts.level,
        index,
      })
    )
      .filter((h) => h.videoId !== opts.id)
      .slice(0, opts.k);
    printHits(io, hits, opts.metric, opts.json);
  });
}

/**
 * `vidmae duplicates`: groups of near-duplicate stored videos. `raw` is commander's options, checked here.
 *
 * @example
 * await duplicates(cliIo(), { db: "vidmae.db", threshold: "0.02" });
 */
export async function duplicates(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(duplicatesSchema, raw);
  await withSpace(opts, io, async (store, space) => {
    const vectors = await store.loadVectors(space.id, { level: "video" });
    const groups = await nearDuplicates(vectors, { threshold: opts.threshold, metric: opts.metric });
    if (opts.json) io.stdout.write(`${JSON.stringify(groups)}\n`);
    else printGroups(io, groups, vectors, opts.metric, opts.threshold ?? DEFAULT_DUPLICATE_THRESHOLD);
  });
}

/** Duplicate groups as a table: each video with its score against its group's first video. */
function printGroups(
  io: CliIo,
  groups: DuplicateGroup[],
  vectors: LoadedVectors,
  metric: Metric,
  threshold: number,
): void {
  const rowOf = new Map(vectors.rows.map((r, i) => [r.videoId, i]));
  const m = measure(metric);
  // Groups are chains of close pairs, so the first video is a reference point, not every member's match.
  io.stdout.write(
    `# videos linked by pairs within ${metric} distance ${threshold}; scores against the group's first video\n`,
  );
  writeHeader(io, m, ["path", "(label)"], ["group"]);
  groups.forEach((g, i) => {
    const first = rowOf.get(g.videos[0].videoId)!;
    for (const v of g.videos) {
      const d = pairDistance(vectors.data, first, vectors.data, rowOf.get(v.videoId)!, vectors.dim, metric);
      const label = v.label ? `  (${escapeControls(v.label)})` : "";
      io.stdout.write(`${i + 1}  ${m.value(d).toFixed(4)}  ${displayPath(v.path)}${label}\n`);
    }
  });
}

/**
 * `vidmae search-moments <video>`: the time ranges in stored videos that best match a query video. `raw` is
 * commander's options, checked here.
 *
 * @example
 * await searchMomentsCommand(cliIo(), "query.mp4", { db: "vidmae.db" });
 */
export async function searchMomentsCommand(
  io: CliIo,
  video: string,
  raw: Record<string, unknown>,
): Promise<void> {
  const opts = parseOptions(momentsSchema, raw);
  await withSpace(opts, io, async (store, space) => {
    const { clips } = await embedQuery(video, store, space, opts, io);
    const data = new Float32Array(clips.length * space.dim);
    clips.forEach((c, i) => data.set(c, i * space.dim));
    const moments = await searchMoments(
      await store.loadVectors(space.id, { level: "clip" }),
      { dim: space.dim, data },
      { k: opts.k, metric: opts.metric },
    );
    if (opts.json) {
      io.stdout.write(`${JSON.stringify(moments)}\n`);
      return;
    }
    // A moment's score is the mean similarity of aligned clips, or minus their mean L2 distance.
    const m = measure(opts.metric, "mean over aligned clips of ");
    const distance = (score: number) => (opts.metric === "cosine" ? 1 - score : -score);
    writeHeader(io, m, ["path", "[start–end]"]);
    for (const moment of moments)
      io.stdout.write(
        `${m.value(distance(moment.score)).toFixed(4)}  ${displayPath(moment.path)}  [${formatTime(moment.startSec)}–${formatTime(moment.endSec)}]\n`,
      );
  });
}
