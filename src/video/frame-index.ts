/**
 * Counts a video stream's frames and lists their timestamps by demuxing only (ffprobe's packet list): no frame is
 * decoded, so this costs a read of the file, not a decode of it.
 */
import { z } from "zod";
import { ffmpegError } from "./ffmpeg-reason.js";
import { ffprobeJson } from "./ffprobe.js";

/**
 * Where each frame sits in time, in the stream's time base: enough to seek near a frame and to select it exactly.
 *
 * @example
 * const ix: FrameIndex = { framePts: [0, 512, 1024], keyframePts: [0] };
 */
export interface FrameIndex {
  /** Presentation timestamp of frame i (frames in presentation order): strictly increasing. */
  framePts: number[];
  /** Timestamps of all keyframe packets, ascending (including keyframes an edit list hides). */
  keyframePts: number[];
}

/** What the packet scan found. */
export interface PacketScan {
  /** Frames a full decode yields: one per packet, minus the packets an edit list discards. */
  frameCount: number;
  /** Null when some packets carry no timestamp or two share one: frames can then only be found by counting. */
  frameIndex: FrameIndex | null;
}

const packetsSchema = z.object({
  packets: z
    .array(
      z.object({
        pts: z.number().int().optional(),
        flags: z.string(),
      }),
    )
    .default([]),
});

/**
 * How the MP4 and Matroska demuxers report a cut file while ffprobe still exits 0. Other demuxers say nothing;
 * decoding then names the first frame it could not get.
 */
const TRUNCATION = /partial file|File ended prematurely/i;

/**
 * Scans the packets of stream `streamIndex` of `path`.
 *
 * Counting packets, not trusting the container's `nb_frames`, because edit lists make MP4's sample count larger
 * than the decoded count and Matroska/WebM/MPEG-TS have no count at all; a packet flagged `D` (discard) is decoded
 * by FFmpeg but its frame is dropped, so it is not a frame.
 *
 * @throws VidmaeError `E_VIDEO` when ffprobe fails or the file ends before its last packet
 * @example
 * const { frameCount } = await scanPackets("a.mp4", 0);
 */
export async function scanPackets(
  path: string,
  streamIndex: number,
  signal?: AbortSignal,
): Promise<PacketScan> {
  const args = ["-select_streams", String(streamIndex), "-show_entries", "packet=pts,flags"];
  const { data, stderr } = await ffprobeJson(path, args, packetsSchema, signal);
  if (TRUNCATION.test(stderr)) throw ffmpegError(path, stderr);
  const { packets } = data;
  const framePts: Array<number | undefined> = [];
  const keyframePts: number[] = [];
  for (const p of packets) {
    if (p.flags.includes("K") && p.pts !== undefined) keyframePts.push(p.pts);
    if (!p.flags.includes("D")) framePts.push(p.pts);
  }
  return { frameCount: framePts.length, frameIndex: toFrameIndex(framePts, keyframePts) };
}

/** Sorts decode-order timestamps into presentation order; null when they cannot identify frames uniquely. */
function toFrameIndex(pts: Array<number | undefined>, keyframePts: number[]): FrameIndex | null {
  if (pts.some((p) => p === undefined)) return null;
  const framePts = (pts as number[]).slice().sort((a, b) => a - b);
  for (let i = 1; i < framePts.length; i++) if (framePts[i] === framePts[i - 1]) return null;
  return { framePts, keyframePts: keyframePts.sort((a, b) => a - b) };
}
