/** `vidmae similar`, `vidmae duplicates`, `vidmae search-moments`: distance means similarity. */
import type { Command } from "commander";
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import { embedCollection } from "../../embed/collection.js";
import { updateAnnIndex } from "../../search/ann.js";
import { type SimilarHit, nearDuplicates, searchMoments, similarVideos } from "../../search/similar.js";
import { openStore, selectSpace } from "../../store/open.js";
import type { EmbeddingSpace, EmbeddingStore, LoadedVectors } from "../../store/types.js";
import { loadSpaceEmbedder } from "../load-model.js";
import { LIMITS, parseOptions } from "../options.js";
import { action } from "../run.js";

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
): Promise<{ video: Float32Array; clips: Float32Array[] }> {
  const { model, embedder } = await loadSpaceEmbedder(space, opts);
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

function printHits(hits: SimilarHit[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(hits.map(({ row: _row, ...h }) => h))}\n`);
    return;
  }
  for (const h of hits) {
    const range = h.startSec !== undefined ? `  [${formatTime(h.startSec)}–${formatTime(h.endSec!)}]` : "";
    const label = h.label ? `  (${escapeControls(h.label)})` : "";
    process.stdout.write(`${h.distance.toFixed(4)}  ${displayPath(h.path)}${range}${label}\n`);
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
 * Registers `similar`, `duplicates` and `search-moments`.
 *
 * @example
 * // npx vidmae similar clip.mp4 --db vidmae.db --k 5
 * // npx vidmae similar --id 3 --db vidmae.db --level clip
 * // npx vidmae duplicates --db vidmae.db --threshold 0.02
 * // npx vidmae search-moments query.mp4 --db vidmae.db
 */
export function registerSimilar(program: Command): void {
  const flags = (c: Command) =>
    c
      .requiredOption("--db <file>", "the store")
      .option("--space <id|key>", "embedding space (default: the only one)")
      .option("--metric <cosine|l2>", "distance (default cosine: 1 - cosine similarity)")
      .option("--json", "print JSON")
      .option("--threads <n>", LIMITS.threads.help("onnxruntime intra-op threads (when a video is embedded)"))
      .option("--provider <cpu|cuda>", "execution provider (when a video is embedded)");

  flags(
    program
      .command("similar [video]")
      .description("nearest stored videos (or clips) to a video file or a stored video"),
  )
    .option("--id <id>", LIMITS.id.help("a stored video's id instead of a file"))
    .option("--k <k>", LIMITS.k.help("how many", 10))
    .option(
      "--level <video|clip>",
      "compare with videos (default) or with clips, which carry their time ranges",
    )
    .option("--approximate", "use the HNSW index beside the store (built or updated first)")
    .option("--store", "also store the query video in the space")
    .action(
      action(async (video: string | undefined, raw: Record<string, unknown>) => {
        const opts = parseOptions(similarSchema, raw);
        if ((video === undefined) === (opts.id === undefined))
          throw new VidmaeError("E_INVALID_ARGUMENT", "Give either a video file or --id, not both");
        await withSpace(opts, async (store, space) => {
          const videos = await store.loadVectors(space.id, { level: "video" });
          let q: Float32Array;
          if (video !== undefined) q = (await embedQuery(video, store, space, opts)).video;
          else {
            const row = videoRow(videos, opts.id!);
            q = videos.data.slice(row * videos.dim, (row + 1) * videos.dim);
          }
          const vectors =
            opts.level === "video" ? videos : await store.loadVectors(space.id, { level: "clip" });
          const index = opts.approximate
            ? (
                await updateAnnIndex(
                  opts.db,
                  { spaceKey: space.key, dim: space.dim, metric: opts.metric },
                  vectors,
                )
              ).index
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
          printHits(hits, opts.json);
        });
      }),
    );

  flags(program.command("duplicates").description("groups of near-duplicate videos"))
    .option(
      "--threshold <d>",
      LIMITS.threshold.help("largest distance inside a group", "0.02 cosine distance"),
    )
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(duplicatesSchema, raw);
        await withSpace(opts, async (store, space) => {
          const groups = await nearDuplicates(await store.loadVectors(space.id, { level: "video" }), {
            threshold: opts.threshold,
            metric: opts.metric,
          });
          if (opts.json) process.stdout.write(`${JSON.stringify(groups)}\n`);
          else
            groups.forEach((g, i) =>
              process.stdout.write(
                `group ${i + 1}:\n${g.videos.map((v) => `  ${displayPath(v.path)}`).join("\n")}\n`,
              ),
            );
        });
      }),
    );

  flags(
    program
      .command("search-moments <video>")
      .description("the time ranges inside stored videos that best match a query video or clip"),
  )
    .option("--k <k>", LIMITS.k.help("how many ranges", 10))
    .action(
      action(async (video: string, raw: Record<string, unknown>) => {
        const opts = parseOptions(momentsSchema, raw);
        await withSpace(opts, async (store, space) => {
          const { clips } = await embedQuery(video, store, space, opts);
          const data = new Float32Array(clips.length * space.dim);
          clips.forEach((c, i) => data.set(c, i * space.dim));
          const moments = await searchMoments(
            await store.loadVectors(space.id, { level: "clip" }),
            { dim: space.dim, data },
            { k: opts.k, metric: opts.metric },
          );
          if (opts.json) process.stdout.write(`${JSON.stringify(moments)}\n`);
          else
            for (const m of moments)
              process.stdout.write(
                `${m.score.toFixed(4)}  ${displayPath(m.path)}  [${formatTime(m.startSec)}–${formatTime(m.endSec)}]\n`,
              );
        });
      }),
    );
}
