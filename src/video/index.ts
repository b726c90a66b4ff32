/**
 * `vidmae/video`: FFmpeg: probing, exact frame decoding, clip sampling, finding video files.
 *
 * @example
 * import { probeVideo, sampleClips } from "vidmae/video";
 * const info = await probeVideo("a.mp4");
 * const { clips } = sampleClips(info.frameCount, 16, { strategy: "uniform", clips: 2, frameSampleRate: 4 });
 * console.log(info.width, info.height, clips.length); // → 320 240 2
 */
export { probeVideo, type VideoInfo, type ProbeOptions } from "./probe.js";
export { decodeFrames, decodeAllFrames, type DecodedFrames, type DecodeOptions } from "./decode.js";
export {
  sampleClips,
  uniformIndices,
  clipIndices,
  type SamplingOptions,
  type SampledClips,
} from "./sampling.js";
export { findVideoFiles, VIDEO_EXTENSIONS } from "./files.js";
