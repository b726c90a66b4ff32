/** `vidmae similar`, `vidmae duplicates`, `vidmae search-moments`: distance means similarity. */
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import { embedCollection } from "../../embed/collection.js";
import { updateAnnIndex } from "../../search/ann.js";
import { type SimilarHit, nearDuplicates, searchMoments, similarVideos } from "../../search/similar.js";
import { openStore, selectSpace } from "../../store/open.js";
import type { EmbeddingSpace } from "../../space/spec.js";
import type { EmbeddingStore, LoadedVectors } from "../../store/types.js";
import { loadSpaceEmbedder } from "../load-model.js";
import { LIMITS, parseOptions } from "../options.js";
import type { CliIo } from "../run.js";

const common = z.object({
  db: z.string().min(1),
  space: z.string().min(1).optional(),
  metric: z.enum(["cosine", "l2"], { error: "one of: cosine, l2" }).default("cosine"),
  json: z.boolean().default(false),
  threads: LIMITS.threads.schema().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
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
  fn: (store: EmbeddingStore, space: EmbeddingSpace) => Promise<T>,
): Promise<T> {
  const store = await openStore(opts.db);
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

function printHits(io: CliIo, hits: SimilarHit[], json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(hits.map(({ row: _row, ...h }) => h))}\n`);
    return;
  }
  for (const h of hits) {
    const range = h.startSec !== undefined ? `  [${formatTime(h.startSec)}–${formatTime(h.endSec!)}]` : "";
    const label = h.label ? `  (${escapeControls(h.label)})` : "";
    io.stdout.write(`${h.distance.toFixed(4)}  ${displayPath(h.path)}${range}${label}\n`);
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
  if ((video === undefined) === (opts.id === undefined))
    throw new VidmaeError("E_INVALID_ARGUMENT", "Give either a video file or --id, not both");
  await withSpace(opts, async (store, space) => {
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
    printHits(io, hits, opts.json);
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
  await withSpace(opts, async (store, space) => {
    const groups = await nearDuplicates(await store.loadVectors(space.id, { level: "video" }), {
      threshold: opts.threshold,
      metric: opts.metric,
    });
    if (opts.json) io.stdout.write(`${JSON.stringify(groups)}\n`);
    else
      groups.forEach((g, i) =>
        io.stdout.write(`group ${i + 1}:\n${g.videos.map((v) => `  ${displayPath(v.path)}`).join("\n")}\n`),
      );
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
  await withSpace(opts, async (store, space) => {
    const { clips } = await embedQuery(video, store, space, opts, io);
    const data = new Float32Array(clips.length * space.dim);
    clips.forEach((c, i) => data.set(c, i * space.dim));
    const moments = await searchMoments(
      await store.loadVectors(space.id, { level: "clip" }),
      { dim: space.dim, data },
      { k: opts.k, metric: opts.metric },
    );
    if (opts.json) io.stdout.write(`${JSON.stringify(moments)}\n`);
    else
      for (const m of moments)
        io.stdout.write(
          `${m.score.toFixed(4)}  ${displayPath(m.path)}  [${formatTime(m.startSec)}–${formatTime(m.endSec)}]\n`,
        );
  });
}
