/**
 * End to end on synthetic 720p and 1080p H.264 videos → ViT-B embeddings (random weights) → a SQLite store, per
 * stage and as a whole. Each stage (probe, decode, colour conversion, transfer, preprocessing, inference, store)
 * is timed on its own through the library's public functions, in wall seconds and CPU core-seconds per clip; the
 * stage costs give the ceiling of end to end on this core count, printed next to the measured ratio of end to end
 * over inference alone.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describeFile, embedCollection } from "../src/embed/collection.js";
import { type PreparedVideo, prepareVideo } from "../src/embed/clips.js";
import { Embedder } from "../src/embed/embedder.js";
import { spaceSpecFor } from "../src/embed/space.js";
import { VideoMAE } from "../src/model/videomae/model.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { decodeFrames } from "../src/video/decode.js";
import { type VideoInfo, probeVideo } from "../src/video/probe.js";
import { sampleClips } from "../src/video/sampling.js";
import { makeVideo } from "../test/helpers/synthetic-videos.js";
import { vitBase } from "./model.js";
import { type Cost, measure } from "./timing.js";

const run = promisify(execFile);

/** The sizes measured: the targets are set for 720p and 1080p H.264. */
const SIZES = { "720p": [1280, 720], "1080p": [1920, 1080] } as const;
type Size = keyof typeof SIZES;

/** Stages in pipeline order; their core-seconds add up to one clip's CPU cost. */
export const STAGES = [
  "probe",
  "decode",
  "colour_conversion",
  "transfer",
  "preprocess",
  "inference",
  "store",
] as const;
type Stage = (typeof STAGES)[number];

/**
 * Made once into the cache, under a temporary name then renamed, so that an interrupted run leaves no half-written
 * video behind. Each video has its own frame count, so no two share a content hash (the store would take them for
 * one video).
 */
async function videos(cacheDir: string, size: Size, count: number): Promise<string[]> {
  const dir = join(cacheDir, "embed-videos");
  await mkdir(dir, { recursive: true });
  const [width, height] = SIZES[size];
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const frames = 96 + i;
    const name = `${size}-${i % 2 ? "mandelbrot" : "testsrc2"}-${frames}.mp4`;
    const path = join(dir, name);
    if (!existsSync(path)) {
      const spec = {
        name: `partial-${name}`,
        width,
        height,
        frames,
        source: i % 2 ? "mandelbrot" : "testsrc2",
      };
      await rename(await makeVideo(dir, spec), path);
    }
    paths.push(path);
  }
  return paths;
}

/**
 * FFmpeg's own CPU per frame for decoding alone and for decoding plus conversion to RGB24, from two full decodes
 * to the null muxer (best of two each). A diagnostic run of the ffmpeg binary, not a re-implementation:
 * `decodeFrames` converts inside the same FFmpeg process, so its conversion share cannot be timed through the
 * library's API and is estimated from this difference.
 */
async function conversionCorePerFrame(info: VideoInfo): Promise<number | null> {
  const cost = async (rgb: boolean) => {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const args = ["-nostdin", "-v", "error", "-i", info.path, "-map", `0:${info.streamIndex}`];
      const out = [...(rgb ? ["-pix_fmt", "rgb24"] : []), "-f", "null", "-"];
      const { cost: c } = await measure(() => run("ffmpeg", [...args, ...out]));
      if (c.child_core_s === null) return null;
      best = Math.min(best, c.child_core_s);
    }
    return best;
  };
  const native = await cost(false);
  const rgb = await cost(true);
  return native === null || rgb === null ? null : Math.max(0, rgb - native) / info.frameCount;
}

const sum = (costs: Cost[], pick: (c: Cost) => number) => costs.reduce((a, c) => a + pick(c), 0);
const child = (c: Cost) => c.child_core_s ?? 0;

/** Per-clip wall and core-seconds of each stage, and the cost of `prepareVideo` as a whole (a cross-check). */
interface StageCosts {
  clips: number;
  core_s: Record<Stage, number>;
  wall_s: Partial<Record<Stage, number>>;
  /** `prepareVideo` (probe + decode + preprocess as the embedder runs them), per clip. */
  prepare_video: { wall_s: number; core_s: number };
  /** Clips per second of inference alone (batch 1, on the prepared pixels). */
  inference_clips_per_s: number;
}

/**
 * Times each stage on its own, one video at a time, through the public functions the embedder uses:
 * probeVideo, sampleClips + decodeFrames, the image processor's preprocessFrames (per clip, as prepareVideo calls
 * it), VideoMAE.forward (batch 1, the embedder's default) and the store calls embedCollection makes per video
 * (describeFile, upsertVideos, saveEmbeddings).
 */
async function stageCosts(embedder: Embedder, paths: string[], storeDir: string): Promise<StageCosts> {
  const { model, processor, spec } = embedder;
  const costs: Record<"probe" | "decode" | "preprocess" | "inference" | "store", Cost[]> = {
    probe: [],
    decode: [],
    preprocess: [],
    inference: [],
    store: [],
  };
  const prepareCosts: Cost[] = [];
  let conversion = 0;
  let clips = 0;
  const prepared: PreparedVideo[] = [];
  // Conversion cost per frame depends on the frame size, not the content: measured on the first video.
  const perFrame = await conversionCorePerFrame(await probeVideo(paths[0]));
  for (const path of paths) {
    const { value: info, cost: probe } = await measure(() => probeVideo(path));
    costs.probe.push(probe);
    const indices = sampleClips(info.frameCount, spec.numFrames, spec.sampling).clips.flat();
    const { value: decoded, cost: decode } = await measure(() => decodeFrames(info, indices));
    costs.decode.push(decode);
    // Frames delivered, not frames decoded: FFmpeg converts only what its select filter lets through.
    conversion += Math.min(child(decode), (perFrame ?? 0) * indices.length);
    const { height, width } = decoded;
    const T = spec.numFrames;
    const { resized } = processor.outputSize(height, width);
    const views = processor.cropOffsets(resized.height, resized.width, spec.crops);
    const clipBytes = T * height * width * 3;
    const { cost: preprocess } = await measure(() => {
      for (let k = 0; k < indices.length / T; k++)
        processor.preprocessFrames(
          decoded.frames.subarray(k * clipBytes, (k + 1) * clipBytes),
          T,
          height,
          width,
          undefined,
          0,
          views,
        );
    });
    costs.preprocess.push(preprocess);
    const whole = await measure(() => prepareVideo(path, processor, spec));
    prepareCosts.push(whole.cost);
    prepared.push(whole.value);
    clips += whole.value.clips.length * whole.value.crops;
  }

  const store = await SqliteStore.open(join(storeDir, "stages.db"));
  const space = await store.ensureSpace(await spaceSpecFor(embedder, "bench"));
  for (const p of prepared) {
    const [T, C, H, W] = p.rowDims;
    const rowSize = T * C * H * W;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < p.clips.length * p.crops; r++) {
      const data = p.pixels.subarray(r * rowSize, (r + 1) * rowSize);
      const { value: out, cost } = await measure(() => model.forward({ data, dims: [1, T, C, H, W] }));
      costs.inference.push(cost);
      vectors.push(out.meanPooled.data.slice());
    }
    const { cost } = await measure(async () => {
      const [video] = await store.upsertVideos([await describeFile(store, p.info.path, undefined)]);
      const clipRows = p.clips.flatMap((c, k) =>
        Array.from({ length: p.crops }, (_, crop) => ({ ...c, crop, vector: vectors[k * p.crops + crop] })),
      );
      await store.saveEmbeddings(space.id, [
        { videoId: video.id, clips: clipRows, videoVector: vectors[0], tooShort: p.tooShort },
      ]);
    });
    costs.store.push(cost);
  }
  await store.close();

  const ffmpeg = sum(costs.decode, child);
  const coreS = (list: Cost[]) => sum(list, (c) => c.self_core_s + child(c)) / clips;
  const wall = (list: Cost[]) => sum(list, (c) => c.wall_s) / clips;
  return {
    clips,
    core_s: {
      probe: coreS(costs.probe),
      decode: (ffmpeg - conversion) / clips,
      colour_conversion: conversion / clips,
      // Node's side of the pipe: reading FFmpeg's RGB24 output and copying frames into place.
      transfer: sum(costs.decode, (c) => c.self_core_s) / clips,
      preprocess: coreS(costs.preprocess),
      inference: coreS(costs.inference),
      store: coreS(costs.store),
    },
    // Decode, conversion and transfer share one FFmpeg run: their wall time is the decode row's.
    wall_s: {
      probe: wall(costs.probe),
      decode: wall(costs.decode),
      preprocess: wall(costs.preprocess),
      inference: wall(costs.inference),
      store: wall(costs.store),
    },
    prepare_video: { wall_s: wall(prepareCosts), core_s: coreS(prepareCosts) },
    inference_clips_per_s: clips / sum(costs.inference, (c) => c.wall_s),
  };
}

/** What {@link benchEmbed} reports per size. */
export interface EmbedSizeBench {
  videos: number;
  clips: number;
  clips_per_s: number;
  inference_clips_per_s: number;
  end_to_end_over_inference: number;
  /** Core-seconds per clip the whole run used (this process and FFmpeg/ffprobe). */
  end_to_end_core_s_per_clip: number | null;
}

/** The best end to end the measured stage costs allow on `cores` cores. */
export interface EmbedCeiling {
  total_core_s_per_clip: number;
  /** cores / total core-seconds per clip: every core busy all the time. */
  cpu_bound_clips_per_s: number;
  inference_clips_per_s: number;
  /** min(cpu bound, inference alone). */
  clips_per_s: number;
  bound_by: "cpu" | "inference";
  over_inference: number;
  /** Measured end to end over this ceiling. */
  measured_fraction_of_ceiling: number;
}

/** Everything {@link benchEmbed} measures. */
export interface EmbedBench {
  cores: number;
  end_to_end: Record<string, EmbedSizeBench>;
  stages: Record<string, Record<Stage, number>>;
  stage_wall_s: Record<string, Partial<Record<Stage, number>>>;
  prepare_video: Record<string, { wall_s: number; core_s: number }>;
  ceiling: Record<string, EmbedCeiling>;
}

/**
 * Per size: `embedCollection` over the videos into a fresh SQLite store (end to end, as `vidmae embed` runs it),
 * then each stage on its own; the ceiling from the stage costs.
 *
 * @example
 * const r = await benchEmbed({ threads: 2, cacheDir: "bench/.cache" });
 * r.end_to_end["720p"].end_to_end_over_inference; // e.g. 0.42
 * r.ceiling["720p"].over_inference; // e.g. 0.9
 */
export async function benchEmbed(opts: {
  threads: number;
  cacheDir: string;
  videos?: number;
}): Promise<EmbedBench> {
  const count = opts.videos ?? 8;
  const model = await VideoMAE.fromDirectory(await vitBase(opts.cacheDir), {
    threads: opts.threads,
    cacheDir: join(opts.cacheDir, "graphs-bench"),
  });
  const embedder = await Embedder.create(model, { batch: 1 });
  const result: EmbedBench = {
    cores: opts.threads,
    end_to_end: {},
    stages: {},
    stage_wall_s: {},
    prepare_video: {},
    ceiling: {},
  };
  const tmp = await mkdtemp(join(tmpdir(), "vidmae-bench-embed-"));
  try {
    for (const size of Object.keys(SIZES) as Size[]) {
      const paths = await videos(opts.cacheDir, size, count);
      // Warm-up into its own store (a stored video would be skipped): pre-packing, the weights hash, JIT.
      const warm = await SqliteStore.open(join(tmp, `warm-${size}.db`));
      await embedCollection(warm, embedder, [paths[0]], { modelName: "bench" });
      await warm.close();

      const store = await SqliteStore.open(join(tmp, `e2e-${size}.db`));
      const { value: summary, cost } = await measure(() =>
        embedCollection(store, embedder, paths, { modelName: "bench" }),
      );
      await store.close();
      const stages = await stageCosts(embedder, paths, await mkdtemp(join(tmp, size)));
      const clipsPerS = summary.clips / cost.wall_s;
      const total = STAGES.reduce((a, s) => a + stages.core_s[s], 0);
      const cpuBound = opts.threads / total;
      const ceiling = Math.min(cpuBound, stages.inference_clips_per_s);
      result.end_to_end[size] = {
        videos: summary.done,
        clips: summary.clips,
        clips_per_s: clipsPerS,
        inference_clips_per_s: stages.inference_clips_per_s,
        end_to_end_over_inference: clipsPerS / stages.inference_clips_per_s,
        end_to_end_core_s_per_clip:
          cost.child_core_s === null ? null : (cost.self_core_s + cost.child_core_s) / summary.clips,
      };
      result.stages[size] = stages.core_s;
      result.stage_wall_s[size] = stages.wall_s;
      result.prepare_video[size] = stages.prepare_video;
      result.ceiling[size] = {
        total_core_s_per_clip: total,
        cpu_bound_clips_per_s: cpuBound,
        inference_clips_per_s: stages.inference_clips_per_s,
        clips_per_s: ceiling,
        bound_by: cpuBound < stages.inference_clips_per_s ? "cpu" : "inference",
        over_inference: ceiling / stages.inference_clips_per_s,
        measured_fraction_of_ceiling: clipsPerS / ceiling,
      };
    }
  } finally {
    await model.release();
    await rm(tmp, { recursive: true, force: true });
  }
  return result;
}
