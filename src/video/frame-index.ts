/**
 * Counts a video stream's frames and lists their timestamps from the packet list ffprobe prints by demuxing only:
 * no frame is decoded, so this costs a read of the file, not a decode of it.
 */
import { z } from "zod";

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

/**
 * ffprobe arguments that list every packet's stream, timestamp and flags; they combine with `-show_streams`, so
 * one ffprobe run (one process start, ~0.2 CPU-seconds of loading FFmpeg's libraries) does the whole probe.
 */
export const PACKET_ENTRIES = ["-show_entries", "packet=stream_index,pts,flags"] as const;

/**
 * The `packets` array of ffprobe's JSON for {@link PACKET_ENTRIES}.
 *
 * @example
 * const probed = z.object({ packets: packetsSchema }).parse(json);
 */
export const packetsSchema = z
  .array(
    z.object({
      stream_index: z.number().int(),
      pts: z.number().int().optional(),
      flags: z.string(),
    }),
  )
  .default([]);

/** One packet as {@link packetsSchema} reads it. */
export type Packet = z.infer<typeof packetsSchema>[number];

/**
 * How the MP4 and Matroska demuxers report a cut file while ffprobe still exits 0. Other demuxers say nothing;
 * decoding then names the first frame it could not get.
 *
 * @example
 * TRUNCATION.test("[matroska,webm @ 0x55] File ended prematurely"); // true
 */
export const TRUNCATION = /partial file|File ended prematurely/i;

/**
 * Frame count and index of stream `streamIndex` from its packets (in file order).
 *
 * Counting packets, not trusting the container's `nb_frames`, because edit lists make MP4's sample count larger
 * than the decoded count and Matroska/WebM/MPEG-TS have no count at all; a packet flagged `D` (discard) is decoded
 * by FFmpeg but its frame is dropped, so it is not a frame.
 *
 * @example
 * scanPackets([{ stream_index: 0, pts: 0, flags: "K_" }, { stream_index: 0, pts: 512, flags: "__" }], 0);
 * // { frameCount: 2, frameIndex: { framePts: [0, 512], keyframePts: [0] } }
 */
export function scanPackets(packets: readonly Packet[], streamIndex: number): PacketScan {
  const framePts: Array<number | undefined> = [];
  const keyframePts: number[] = [];
  for (const p of packets) {
    if (p.stream_index !== streamIndex) continue;
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
