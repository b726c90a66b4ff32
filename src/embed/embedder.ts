/**
 * Videos → embeddings: clips are prepared ahead (decode in FFmpeg, preprocessing while the model runs), batched
 * across videos, and each video's clip vectors are averaged into its video vector.
 */
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import type { VideoMAE } from "../model/videomae/model.js";
import type { CheckpointKind } from "../model/videomae/keys.js";
import { processorForModel } from "../preprocess/for-model.js";
import type { VideoMAEImageProcessor } from "../preprocess/image-processor.js";
import type { SamplingOptions } from "../video/sampling.js";
import { type ClipInfo, type ClipSpec, type PreparedVideo, prepareVideo } from "./clips.js";

/**
 * FFmpeg decodes each video on one thread: the model and the other videos in flight keep the cores busy, and one
 * thread costs the fewest CPU-seconds per frame (see `DecodeOptions.threads`).
 */
const DECODE_THREADS = 1;

/** Which model output becomes the embedding: `auto` = the head's input when there is a head, else the mean. */
export type Pooling = "auto" | "mean" | "head";

/** Options of an {@link Embedder}. */
export interface EmbedOptions {
  /** Frames per clip; default the config's `num_frames`. */
  numFrames?: number;
  /** @defaultValue { strategy: "uniform", frameSampleRate: 4, clips: 1 } */
  sampling?: SamplingOptions;
  /** @defaultValue 1 */
  crops?: 1 | 3;
  /** @defaultValue "auto" */
  pooling?: Pooling;
  /** Clips per inference batch (across videos). @defaultValue 1 */
  batch?: number;
  /** Videos prepared ahead of the model. @defaultValue 2 */
  prefetch?: number;
}

/** One clip's (and crop's) embedding. */
export interface ClipEmbedding extends ClipInfo {
  crop: number;
  vector: Float32Array;
}

/** A video's embeddings. */
export interface VideoEmbedding {
  path: string;
  prepared: Omit<PreparedVideo, "pixels" | "frames">;
  clips: ClipEmbedding[];
  /** Mean of the clip (and crop) vectors. */
  vector: Float32Array;
  /** Mean logits over clips and crops (classification checkpoints), as VideoMAE's multi-view evaluation. */
  logits?: Float32Array;
}

/** What {@link Embedder.embedVideos} yields per input, in completion order. */
export type EmbedOutcome = { path: string; embedding: VideoEmbedding } | { path: string; error: VidmaeError };

/**
 * `auto` → `head` for classification checkpoints, `mean` otherwise; `head` needs a head.
 *
 * @example
 * resolvePooling("auto", "base"); // "mean"
 */
export function resolvePooling(pooling: Pooling, kind: CheckpointKind): "mean" | "head" {
  if (pooling === "auto") return kind === "classification" ? "head" : "mean";
  if (pooling === "head" && kind !== "classification")
    throw invalidParameterError(
      "pooling",
      "mean or auto for a checkpoint without a classification head",
      pooling,
    );
  if (pooling !== "head" && pooling !== "mean")
    throw invalidParameterError("pooling", "one of: auto, mean, head", pooling);
  return pooling;
}

function mean(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows[0].length);
  for (const r of rows) for (let i = 0; i < out.length; i++) out[i] += r[i];
  for (let i = 0; i < out.length; i++) out[i] /= rows.length;
  return out;
}

/**
 * The model input for a batch of rows: a view into the video's own buffer when the rows are consecutive rows of
 * one video (no copy of ~10 MB a clip), else one copy into a fresh buffer.
 */
function batchPixels(batch: readonly { video: InFlight; row: number }[], rowSize: number): Float32Array {
  const first = batch[0];
  if (batch.every((b, i) => b.video === first.video && b.row === first.row + i))
    return first.video.prepared.pixels.subarray(first.row * rowSize, (first.row + batch.length) * rowSize);
  const data = new Float32Array(batch.length * rowSize);
  batch.forEach(({ video, row }, i) =>
    data.set(video.prepared.pixels.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize),
  );
  return data;
}

/** A video whose rows are queued or running. */
interface InFlight {
  prepared: PreparedVideo;
  vectors: Float32Array[];
  logits: Float32Array[];
  remaining: number;
}

/**
 * Embeds videos with one model and one set of sampling options.
 *
 * @example
 * const embedder = await Embedder.create(model, { sampling: { strategy: "clips", clips: 2 } });
 * const { vector, clips } = await embedder.embedVideo("a.mp4");
 */
export class Embedder {
  /** The clip spec every video is cut with. */
  readonly spec: ClipSpec;
  /** The resolved pooling. */
  readonly pooling: "mean" | "head";

  private constructor(
    readonly model: VideoMAE,
    readonly processor: VideoMAEImageProcessor,
    private readonly options: Required<Pick<EmbedOptions, "batch" | "prefetch">>,
    spec: ClipSpec,
    pooling: "mean" | "head",
  ) {
    this.spec = spec;
    this.pooling = pooling;
  }

  /**
   * Reads the model's `preprocessor_config.json` (HF's class defaults when absent) and checks the options.
   *
   * @throws VidmaeError `E_INVALID_ARGUMENT` for a bad option, `E_CONFIG` for a bad preprocessor config
   */
  static async create(model: VideoMAE, options: EmbedOptions = {}): Promise<Embedder> {
    const processor = await processorForModel(model.dir);
    const positive = (name: string, v: number) => {
      if (!Number.isInteger(v) || v < 1) throw invalidParameterError(name, "positive integer", v);
      return v;
    };
    const numFrames = positive("numFrames", options.numFrames ?? model.config.num_frames);
    if (numFrames % model.config.tubelet_size !== 0)
      throw invalidParameterError(
        "numFrames",
        `multiple of the model's tubelet_size (${model.config.tubelet_size})`,
        numFrames,
      );
    const crops = options.crops ?? 1;
    if (crops !== 1 && crops !== 3) throw invalidParameterError("crops", "1 or 3", crops);
    const sampling = {
      strategy: options.sampling?.strategy ?? "uniform",
      frameSampleRate: positive("frameSampleRate", options.sampling?.frameSampleRate ?? 4),
      clips: positive("clips", options.sampling?.clips ?? 1),
    };
    const batch = positive("batch", options.batch ?? 1);
    const prefetch = positive("prefetch", options.prefetch ?? 2);
    const pooling = resolvePooling(options.pooling ?? "auto", model.kind);
    return new Embedder(model, processor, { batch, prefetch }, { numFrames, sampling, crops }, pooling);
  }

  /** Embedding size. */
  get dim(): number {
    return this.model.config.hidden_size;
  }

  /**
   * Embeds one video.
   *
   * @throws VidmaeError naming the file (`E_VIDEO`, `E_IO`, `E_INFERENCE`)
   * @example
   * const { vector } = await embedder.embedVideo("a.mp4"); // Float32Array(768)
   */
  async embedVideo(path: string, signal?: AbortSignal): Promise<VideoEmbedding> {
    for await (const outcome of this.embedVideos([path], signal)) {
      if ("error" in outcome) throw outcome.error;
      return outcome.embedding;
    }
    throw new VidmaeError("E_INFERENCE", `${path}: embedding was interrupted`);
  }

  /**
   * Embeds many videos: decoding and preprocessing of the next videos overlap inference, clips are batched
   * across videos, and one bad video yields its error without stopping the others. When `signal` aborts, the
   * batch in flight finishes and the generator ends (videos not yet complete are not yielded).
   *
   * @example
   * for await (const o of embedder.embedVideos(paths)) console.log(o.path, "error" in o ? o.error.message : o.embedding.vector.length);
   */
  async *embedVideos(paths: readonly string[], signal?: AbortSignal): AsyncGenerator<EmbedOutcome> {
    const ahead: { path: string; job: Promise<PreparedVideo | VidmaeError> }[] = [];
    let next = 0;
    const fill = () => {
      while (!signal?.aborted && ahead.length < this.options.prefetch && next < paths.length) {
        const path = paths[next++];
        const job = prepareVideo(path, this.processor, this.spec, {
          signal,
          decodeThreads: DECODE_THREADS,
        }).catch((e: unknown) => wrapError(e, "E_VIDEO", path));
        ahead.push({ path, job });
      }
    };
    const rows: { video: InFlight; row: number }[] = [];
    while (!signal?.aborted) {
      fill();
      const more = ahead.length > 0;
      if (more && rows.length < this.options.batch) {
        const { path, job } = ahead.shift()!;
        const prepared = await job;
        // An abort kills the decoders in flight: their errors are not the videos' fault and are not reported.
        if (signal?.aborted) return;
        if (prepared instanceof VidmaeError) {
          yield { path, error: prepared };
          continue;
        }
        const count = prepared.clips.length * prepared.crops;
        const video: InFlight = {
          prepared,
          vectors: new Array(count),
          logits: new Array(count),
          remaining: count,
        };
        for (let r = 0; r < count; r++) rows.push({ video, row: r });
        continue;
      }
      if (rows.length === 0) return;
      const batch = rows.splice(0, this.options.batch);
      const rowDims = batch[0].video.prepared.rowDims;
      const rowSize = rowDims.reduce((a, b) => a * b, 1);
      const data = batchPixels(batch, rowSize);
      let out;
      try {
        out = await this.model.forward({ data, dims: [batch.length, ...rowDims] });
      } catch (e) {
        // A failed batch fails the videos it touched; the rest go on.
        for (const video of new Set(batch.map((b) => b.video))) {
          video.remaining = -1;
          yield {
            path: video.prepared.info.path,
            error: wrapError(e, "E_INFERENCE", video.prepared.info.path),
          };
        }
        for (let i = rows.length - 1; i >= 0; i--) if (rows[i].video.remaining < 0) rows.splice(i, 1);
        continue;
      }
      const source = this.pooling === "head" ? out.pooled! : out.meanPooled;
      const D = source.dims[1];
      batch.forEach(({ video, row }, i) => {
        video.vectors[row] = source.data.slice(i * D, (i + 1) * D);
        if (out.logits) {
          const L = out.logits.dims[1];
          video.logits[row] = out.logits.data.slice(i * L, (i + 1) * L);
        }
        video.remaining--;
      });
      for (const video of new Set(batch.map((b) => b.video)))
        if (video.remaining === 0) yield { path: video.prepared.info.path, embedding: this.finish(video) };
    }
  }

  private finish(video: InFlight): VideoEmbedding {
    const { prepared } = video;
    const clips: ClipEmbedding[] = [];
    prepared.clips.forEach((clip, k) => {
      for (let crop = 0; crop < prepared.crops; crop++)
        clips.push({ ...clip, crop, vector: video.vectors[k * prepared.crops + crop] });
    });
    const { pixels: _pixels, frames: _frames, ...meta } = prepared;
    return {
      path: prepared.info.path,
      prepared: meta,
      clips,
      vector: mean(video.vectors),
      ...(video.logits[0] ? { logits: mean(video.logits) } : {}),
    };
  }
}
