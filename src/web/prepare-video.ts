/**
 * A video file in the browser → model input, by the CLI's rules: demux, sample frame indices exactly as
 * `vidmae embed` does (same defaults), decode those frames, preprocess with the shared Pillow-exact processor,
 * and time each clip from the first presented frame.
 */
import { clipTimes } from "../embed/clip-times.js";
import type { PreprocessorConfig } from "../preprocess/config.js";
import { VideoMAEImageProcessor } from "../preprocess/image-processor.js";
import { type SamplingOptions, sampleClips } from "../video/sampling.js";
import { decodeSampled } from "./decode.js";
import { demuxMp4 } from "./demux.js";

/** What a video is read from: a `File` or `Blob` (the name is for messages). */
export interface VideoBlob {
  readonly name?: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** One clip's frames and times (seconds from the first presented frame; `end` is the end of the last frame). */
export interface PreparedClip {
  frameIndices: number[];
  start: number;
  end: number;
}

/** A video as model input: `pixels` is [clips, T, 3, h, w]. */
export interface PreparedBlob {
  clips: PreparedClip[];
  pixels: Float32Array;
  dims: [number, number, number, number, number];
  /** True when the video was shorter than one clip window and was sampled uniformly instead. */
  tooShort: boolean;
}

/**
 * Demuxes, samples, decodes and preprocesses one MP4/MOV file.
 *
 * @param numFrames - frames per clip (the model's `num_frames`)
 * @throws VidmaeError `E_VIDEO` (empty or unreadable file, no video track, unsupported codec, decode failure),
 *   `E_INVALID_ARGUMENT` for bad sampling options
 * @example
 * const { pixels, dims } = await prepareBlob(file, 16, model.preprocessor, { strategy: "uniform" });
 */
export async function prepareBlob(
  blob: VideoBlob,
  numFrames: number,
  preprocessor: PreprocessorConfig,
  sampling: SamplingOptions = {},
): Promise<PreparedBlob> {
  const name = blob.name ?? "video";
  const video = demuxMp4(new Uint8Array(await blob.arrayBuffer()), name);
  const { clips, tooShort } = sampleClips(video.samples.length, numFrames, sampling);
  const decoded = await decodeSampled(video, new Set(clips.flat()), name);
  const { width, height } = decoded;
  const processor = new VideoMAEImageProcessor(preprocessor);
  const { resized, crop } = processor.outputSize(height, width);
  const views = processor.cropOffsets(resized.height, resized.width, 1);
  const frameBytes = width * height * 3;
  const row = numFrames * 3 * crop.height * crop.width;
  const pixels = new Float32Array(clips.length * row);
  const clipFrames = new Uint8Array(numFrames * frameBytes);
  clips.forEach((indices, k) => {
    indices.forEach((i, t) => clipFrames.set(decoded.frames.get(i)!, t * frameBytes));
    processor.preprocessFrames(clipFrames, numFrames, height, width, pixels, k * row, views);
  });
  // Presentation timestamps in presentation order: the CLI's frame index, from the container.
  const timing = {
    fps: video.duration > 0 ? (video.samples.length * video.timescale) / video.duration : 0,
    timeBase: { num: 1, den: video.timescale },
    frameIndex: { framePts: video.samples.map((s) => s.cts).sort((a, b) => a - b) },
  };
  return {
    clips: clips.map((frameIndices) => {
      const { startSec, endSec } = clipTimes(timing, frameIndices[0], frameIndices[frameIndices.length - 1]);
      return { frameIndices, start: startSec, end: endSec };
    }),
    pixels,
    dims: [clips.length, numFrames, 3, crop.height, crop.width],
    tooShort,
  };
}
