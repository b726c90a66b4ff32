/**
 * Reads a video's metadata with ffprobe, and refuses what cannot be decoded (no file, not a regular file, empty
 * file, a container that refers to other files, no video stream, unknown codec, absurd frame size) with an
 * error that names the file and the reason.
 */
import { z } from "zod";
import { VidmaeError } from "../errors.js";
import { ffmpegError } from "./ffmpeg-reason.js";
import { ffprobeJson } from "./ffprobe.js";
import { PACKET_ENTRIES, TRUNCATION, packetsSchema, scanPackets, type FrameIndex } from "./frame-index.js";
import { statRegularFile } from "./input.js";

/**
 * What {@link probeVideo} knows about a video's first video stream.
 *
 * @example
 * const info = await probeVideo("clip.mp4");
 * console.log(`${info.width}x${info.height}, ${info.frameCount} frames at ${info.fps} fps`);
 */
export interface VideoInfo {
  /** The path as given. */
  path: string;
  sizeBytes: number;
  /** FFmpeg's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  container: string;
  /** The video stream's duration (the file's when the stream has none), 0 when unknown. */
  durationSec: number;
  /** ffprobe's `avg_frame_rate` as a number, 0 when unknown. */
  fps: number;
  /** Exactly the number of frames a full decode yields (see {@link scanPackets}). */
  frameCount: number;
  /** Size of the decoded frames, after rotation. */
  width: number;
  height: number;
  /** FFmpeg's codec name, e.g. `h264`, `vp9`, `mpeg4`, `mjpeg`. */
  codec: string;
  /** Counter-clockwise degrees FFmpeg rotates the stored frames by for display (0, 90, 180, 270), from the display matrix. */
  rotation: number;
  /** Stored pixel format, e.g. `yuv420p`. */
  pixFmt: string;
  hasAudio: boolean;
  /** Index of the decoded stream in the file. */
  streamIndex: number;
  /** Unit of the stream's timestamps, in seconds: num/den. */
  timeBase: { num: number; den: number };
  /** Per-frame timestamps for exact seeking; null when the file's timestamps cannot identify frames. Long: omit it when printing. */
  frameIndex: FrameIndex | null;
}

/** Options of {@link probeVideo}. */
export interface ProbeOptions {
  /** Largest accepted frame (width × height); default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  signal?: AbortSignal;
}

/** 8K DCI (8192×4320): above it one RGB frame passes 100 MB, and a clip of 16 passes 1.6 GB. */
export const DEFAULT_MAX_PIXELS = 8192 * 4320;

const streamSchema = z.object({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  codec_tag_string: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  time_base: z.string().optional(),
  duration: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
});

const probeSchema = z.object({
  streams: z.array(streamSchema).default([]),
  packets: packetsSchema,
  format: z.object({ format_name: z.string().optional(), duration: z.string().optional() }).optional(),
});

type Stream = z.infer<typeof streamSchema>;

/** `"30000/1001"` → 29.97; `"0/0"` or missing → 0. */
function rational(s: string | undefined): { num: number; den: number } {
  const [num, den] = (s ?? "").split("/").map(Number);
  return Number.isFinite(num) && Number.isFinite(den) && den !== 0 ? { num, den } : { num: 0, den: 1 };
}

function seconds(s: string | undefined): number {
  const v = Number(s);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** Display-matrix rotation normalised to [0, 360), rounded to whole degrees. */
function rotationOf(stream: Stream): number {
  const r = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0;
  return ((Math.round(r) % 360) + 360) % 360;
}

/**
 * Throws when a `width`×`height` frame is larger than `maxPixels`: checked before decoding, since FFmpeg would
 * happily try to allocate it.
 *
 * @example
 * assertFrameSize("big.mp4", 16000, 12000, DEFAULT_MAX_PIXELS); // throws E_VIDEO
 */
export function assertFrameSize(path: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new VidmaeError(
      "E_VIDEO",
      `${path}: frame size ${width}x${height} exceeds the limit of ${maxPixels} pixels (maxPixels)`,
    );
  }
}

/** Stat the file first: FFmpeg's "No such file" would be a worse message, and an empty file is not worth a spawn. */
async function fileSize(path: string): Promise<number> {
  const { size } = await statRegularFile(path);
  if (size === 0) throw new VidmaeError("E_VIDEO", `${path}: empty file (0 bytes)`);
  return size;
}

/** The decodable video stream: cover art (`attached_pic`) in audio files is a still image, not a video. */
function videoStream(path: string, streams: Stream[]): Stream {
  const stream = streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  if (stream) return stream;
  const kinds = [
    ...new Set(streams.map((s) => (s.disposition?.attached_pic === 1 ? "cover art" : s.codec_type))),
  ];
  throw new VidmaeError("E_VIDEO", `${path}: no video stream (found: ${kinds.join(", ") || "no streams"})`);
}

/**
 * Probes `path` with one ffprobe run: stream metadata, and a packet scan (demux only, no decoding) for the exact
 * frame count and per-frame timestamps.
 *
 * @throws VidmaeError `E_IO` when the file is missing or unreadable; `E_VIDEO` when it is not a regular file, is
 *   in a container format that may refer to other files (see `SELF_CONTAINED_FORMATS`), or is not a
 *   decodable video
 * @example
 * const info = await probeVideo("clip.mp4");
 * info.frameCount; // 300
 */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const { maxPixels = DEFAULT_MAX_PIXELS, signal } = options;
  const sizeBytes = await fileSize(path);
  const args = ["-show_streams", "-show_format", ...PACKET_ENTRIES];
  const { data: probed, stderr } = await ffprobeJson(path, args, probeSchema, signal);
  const stream = videoStream(path, probed.streams);
  if (!stream.codec_name || stream.codec_name === "none") {
    throw new VidmaeError(
      "E_VIDEO",
      `${path}: unsupported video codec (FourCC ${stream.codec_tag_string ?? "unknown"})`,
    );
  }
  const rotation = rotationOf(stream);
  const turned = rotation === 90 || rotation === 270;
  const width = (turned ? stream.height : stream.width) ?? 0;
  const height = (turned ? stream.width : stream.height) ?? 0;
  if (width <= 0 || height <= 0) throw new VidmaeError("E_VIDEO", `${path}: video stream has no frame size`);
  assertFrameSize(path, width, height, maxPixels);

  if (TRUNCATION.test(stderr)) throw ffmpegError(path, stderr);
  const { frameCount, frameIndex } = scanPackets(probed.packets, stream.index);
  if (frameCount === 0) throw new VidmaeError("E_VIDEO", `${path}: video stream has no frames`);
  const fps = rational(stream.avg_frame_rate);
  return {
    path,
    sizeBytes,
    container: probed.format?.format_name ?? "unknown",
    durationSec: seconds(stream.duration) || seconds(probed.format?.duration),
    fps: fps.num / fps.den,
    frameCount,
    width,
    height,
    codec: stream.codec_name,
    rotation,
    pixFmt: stream.pix_fmt ?? "unknown",
    hasAudio: probed.streams.some((s) => s.codec_type === "audio"),
    streamIndex: stream.index,
    timeBase: rational(stream.time_base),
    frameIndex,
  };
}
