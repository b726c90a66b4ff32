/**
 * Plans how to decode a set of frames with as little decoding as possible: one FFmpeg run per stretch of wanted
 * frames, each starting at the keyframe before its first frame, and selecting frames by exact timestamp.
 */
import type { VideoInfo } from "./probe.js";

/**
 * One FFmpeg run. It emits `emitted` (ascending frame indices): the wanted frames, or, when they are too scattered
 * for a short `select` expression, every frame from the first wanted to the last.
 *
 * @example
 * const s: DecodeSegment = { seekPts: 30720, selectBy: "pts", emitted: [70, 75] };
 */
export interface DecodeSegment {
  /** Seek to this keyframe timestamp (stream time base) before decoding; null = decode from the start. */
  seekPts: number | null;
  /** Identify frames by timestamp (exact, survives seeking) or by decoded-frame number (from the start only). */
  selectBy: "pts" | "n";
  emitted: number[];
}

/** Options of {@link planDecode}. */
export interface PlanOptions {
  /**
   * Decode through a gap of up to this many frames rather than start a new run. Default: as many frames as
   * {@link RUN_COST_PIXELS} pixels, e.g. 35 at 720p.
   */
  maxGapFrames?: number;
}

/**
 * Starting one more FFmpeg run (spawn, load FFmpeg's libraries, open, seek) costs 0.1-0.15 s on 2 cores, the time
 * H.264 takes to decode about this many pixels (35 frames of 720p, 550 of 320x180).
 */
export const RUN_COST_PIXELS = 32_000_000;

/** Demuxers whose seeks land on a keyframe at or before the target, by container index: MP4/MOV and Matroska/WebM. */
const SEEKABLE_CONTAINERS = /^(mov|matroska)\b/;

/**
 * Longest `select` expression, in ranges; past it a run emits its whole span. FFmpeg evaluates the expression
 * per decoded frame, ~30 ns a term: 256 terms cost under 1% of decoding a 720p frame.
 */
export const MAX_SELECT_RANGES = 256;

/** Index of the last element of ascending `a` that is <= x, or -1. */
function lastAtMost(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Merges ascending unique integers into inclusive [first, last] runs. */
export function toRanges(sorted: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const i of sorted) {
    const last = ranges.at(-1);
    if (last && i === last[1] + 1) last[1] = i;
    else ranges.push([i, i]);
  }
  return ranges;
}

/** Every frame from the first to the last of `frames` when they make too many ranges to select one by one. */
function emittedFrames(frames: number[]): number[] {
  if (toRanges(frames).length <= MAX_SELECT_RANGES) return frames;
  const first = frames[0];
  return Array.from({ length: frames.at(-1)! - first + 1 }, (_, k) => first + k);
}

/**
 * Splits the decode of `wanted` frames (ascending, unique, valid indices) into FFmpeg runs.
 *
 * Seeking needs per-frame timestamps and a container whose seek FFmpeg does by index; otherwise one run decodes
 * from the start, which is always exact. A new run starts when the keyframe before a wanted frame lies more than
 * `maxGapFrames` past the previous wanted frame (or, for the first, past the start).
 *
 * @example
 * planDecode(info, [0, 1800, 3600]); // three runs on a long MP4, one on an AVI
 */
export function planDecode(
  info: Pick<VideoInfo, "container" | "frameIndex" | "width" | "height">,
  wanted: readonly number[],
  options: PlanOptions = {},
): DecodeSegment[] {
  const { maxGapFrames = Math.ceil(RUN_COST_PIXELS / (info.width * info.height)) } = options;
  const index = info.frameIndex;
  if (wanted.length === 0) return [];
  if (index === null) return [{ seekPts: null, selectBy: "n", emitted: emittedFrames([...wanted]) }];
  const { framePts, keyframePts } = index;
  const seekable = SEEKABLE_CONTAINERS.test(info.container);
  const groups: Array<{ seekPts: number | null; frames: number[] }> = [];
  for (const frame of wanted) {
    const k = seekable ? lastAtMost(keyframePts, framePts[frame]) : -1;
    // The first keyframe is where a plain decode starts anyway (and an edit list may hide it from the frames).
    const seekPts = k > 0 ? keyframePts[k] : null;
    const start = seekPts === null ? 0 : lastAtMost(framePts, seekPts - 1) + 1;
    const current = groups.at(-1);
    // Frames decoded for nothing if this frame joins the current run (or, for the first, a run from the start).
    const gap = start - (current ? current.frames.at(-1)! + 1 : 0);
    if (gap > maxGapFrames) groups.push({ seekPts, frames: [frame] });
    else if (current) current.frames.push(frame);
    else groups.push({ seekPts: null, frames: [frame] });
  }
  return groups.map((g) => ({ seekPts: g.seekPts, selectBy: "pts", emitted: emittedFrames(g.frames) }));
}
