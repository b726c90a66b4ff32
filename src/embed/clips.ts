/**
 * One video → its sampled clips as model input: probe, sample frame indices, decode only those frames, run the
 * image processor on each clip (and crop) straight into one pixel_values buffer.
 */
import type { CropOffset, VideoMAEImageProcessor } from "../preprocess/image-processor.js";
import { decodeFrames } from "../video/decode.js";
import { type VideoInfo, probeVideo } from "../video/probe.js";
import { type SamplingOptions, sampleClips } from "../video/sampling.js";
import { clipTimes } from "./clip-times.js";

/** How clips are cut from a video and viewed. */
export interface ClipSpec {
  /** Frames per clip, T (the model's `num_frames` unless overridden). */
  numFrames: number;
  sampling: Required<SamplingOptions>;
  /** 1 = center crop; 3 = start, center and end crops along the longer side. */
  crops: 1 | 3;
}

/** Where one clip came from. */
export interface ClipInfo {
  clipIndex: number;
  frameIndices: number[];
  startSec: number;
  endSec: number;
}

/** A video ready for the model: `pixels` is [clips × crops, T, 3, h, w], clip-major then crop. */
export interface PreparedVideo {
  info: VideoInfo;
  clips: ClipInfo[];
  crops: number;
  /** True when the video was shorter than one clip window and was sampled uniformly instead. */
  tooShort: boolean;
  pixels: Float32Array;
  /** Shape of one model input row: [T, 3, h, w]. */
  rowDims: [number, number, number, number];
  /** The decoded RGB frames [clips, T, H, W, 3], kept only when asked (for `vidmae frames`). */
  frames?: Uint8Array;
}

/**
 * Probes, samples, decodes and preprocesses one video.
 *
 * @param path - the video file
 * @param processor - the model's image processor
 * @param spec - frames per clip, sampling and crops
 * @param options.keepFrames - also return the decoded RGB frames
 * @param options.decodeThreads - FFmpeg's decoding threads (see `DecodeOptions.threads`)
 * @throws VidmaeError `E_VIDEO` / `E_IO` naming the file and the reason
 * @example
 * const v = await prepareVideo("a.mp4", processor, { numFrames: 16, sampling: { strategy: "uniform", frameSampleRate: 4, clips: 1 }, crops: 1 });
 * v.pixels.length; // 16 * 3 * 224 * 224
 */
export async function prepareVideo(
  path: string,
  processor: VideoMAEImageProcessor,
  spec: ClipSpec,
  options: { keepFrames?: boolean; signal?: AbortSignal; decodeThreads?: number } = {},
): Promise<PreparedVideo> {
  const info = await probeVideo(path, { signal: options.signal });
  const { clips, tooShort } = sampleClips(info.frameCount, spec.numFrames, spec.sampling);
  // Decoding the clips' indices in clip order yields frames laid out [clips, T, H, W, 3] directly.
  const { frames, width, height } = await decodeFrames(info, clips.flat(), {
    signal: options.signal,
    threads: options.decodeThreads,
  });
  const { resized, crop } = processor.outputSize(height, width);
  const views: CropOffset[] = processor.cropOffsets(resized.height, resized.width, spec.crops);
  const T = spec.numFrames;
  const row = T * 3 * crop.height * crop.width;
  const pixels = new Float32Array(clips.length * views.length * row);
  const clipBytes = T * height * width * 3;
  clips.forEach((_, k) => {
    processor.preprocessFrames(
      frames.subarray(k * clipBytes, (k + 1) * clipBytes),
      T,
      height,
      width,
      pixels,
      k * views.length * row,
      views,
    );
  });
  return {
    info,
    clips: clips.map((frameIndices, clipIndex) => ({
      clipIndex,
      frameIndices,
      ...clipTimes(info, frameIndices[0], frameIndices[frameIndices.length - 1]),
    })),
    crops: views.length,
    tooShort,
    pixels,
    rowDims: [T, 3, crop.height, crop.width],
    ...(options.keepFrames ? { frames } : {}),
  };
}
