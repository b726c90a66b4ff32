/** A clip's start and end in seconds, from frame timestamps: pure, shared by the Node pipeline and the browser build. */

/** What {@link clipTimes} reads of a probed video (a structural subset of `VideoInfo`). */
export interface ClipTiming {
  /** Average frame rate; 0 when unknown. */
  fps: number;
  timeBase: { num: number; den: number };
  /** Presentation timestamps of every frame in presentation order, in `timeBase` units; null without an index. */
  frameIndex: { framePts: number[] } | null;
}

/**
 * Start and end time of a clip: from the frames' presentation timestamps when the file has a frame index, else
 * from the frame rate; measured from the first presented frame. The end is the end of the last frame.
 *
 * @example
 * clipTimes({ fps: 25, timeBase: { num: 1, den: 25 }, frameIndex: null }, 0, 24); // { startSec: 0, endSec: 1 }
 */
export function clipTimes(
  info: ClipTiming,
  first: number,
  last: number,
): { startSec: number; endSec: number } {
  const frameSec = info.fps > 0 ? 1 / info.fps : 0;
  const ix = info.frameIndex;
  if (!ix) return { startSec: first * frameSec, endSec: (last + 1) * frameSec };
  const tb = info.timeBase.num / info.timeBase.den;
  const at = (i: number) => (ix.framePts[i] - ix.framePts[0]) * tb;
  return { startSec: at(first), endSec: last + 1 < ix.framePts.length ? at(last + 1) : at(last) + frameSec };
}
