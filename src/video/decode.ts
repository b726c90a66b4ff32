/**
 * Decodes chosen frames of a video to RGB24 with FFmpeg: frame i is the i-th decoded frame in presentation order,
 * rotation applied, no frame duplicated or dropped (`-fps_mode passthrough`), and only the stretches that hold the
 * chosen frames are decoded (see {@link planDecode}).
 */
import { VidmaeError, invalidParameterError } from "../errors.js";
import { planDecode, toRanges, type DecodeSegment, type PlanOptions } from "./decode-plan.js";
import { ffmpegError } from "./ffmpeg-reason.js";
import { runOnVideo } from "./input.js";
import { DEFAULT_MAX_PIXELS, assertFrameSize, probeVideo, type VideoInfo } from "./probe.js";
import type { RunToolOptions, ToolResult } from "./run-tool.js";

/** Options of {@link decodeFrames} and {@link decodeAllFrames}. */
export interface DecodeOptions extends PlanOptions {
  /** Kills FFmpeg and rejects with the signal's reason when aborted. */
  signal?: AbortSignal;
  /** Largest accepted frame (width × height), checked before decoding; default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  /**
   * Retry a run that missed frames the slower way (a seek from the start, timestamps by counting); default true.
   * False makes a missed frame an error at once: for tests and diagnostics.
   */
  fallback?: boolean;
  /**
   * FFmpeg's decoding threads; default FFmpeg's choice (frame threads on every core: lowest latency). 1 costs the
   * least CPU (720p/1080p H.264: 10-17 % fewer CPU-seconds than the default on 2 cores), the better choice when
   * other work (the model, other videos) keeps the cores busy. The frames are the same either way.
   */
  threads?: number;
}

/**
 * Decoded frames: `frames` holds `count` frames of `height` rows of `width` RGB pixels, i.e. shape
 * [count, height, width, 3], row-major, one byte per channel.
 *
 * @example
 * const { frames, width, height } = await decodeFrames(info, [0]);
 * const red = frames[(y * width + x) * 3]; // pixel (x, y) of the first frame
 */
export interface DecodedFrames {
  frames: Uint8Array;
  width: number;
  height: number;
  count: number;
}

/** Exact seconds for `-ss`: rounded up to the microsecond, so that FFmpeg's seek lands on that keyframe, not the one before. */
function seekSeconds(pts: number, { num, den }: VideoInfo["timeBase"]): string {
  const scaled = BigInt(pts) * BigInt(num) * 1_000_000n;
  let us = scaled / BigInt(den);
  if (scaled > 0n && scaled % BigInt(den) !== 0n) us += 1n;
  const sign = us < 0n ? "-" : "";
  const abs = us < 0n ? -us : us;
  return `${sign}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, "0")}`;
}

/** `(a+b)+(c+d)`: FFmpeg's expression parser refuses a flat sum of more than ~100 terms (nesting limit). */
function balancedSum(terms: string[]): string {
  if (terms.length === 1) return terms[0];
  const half = terms.length >> 1;
  return `(${balancedSum(terms.slice(0, half))}+${balancedSum(terms.slice(half))})`;
}

/** The `select` expression that lets exactly the segment's frames through. */
function selectExpression(info: VideoInfo, segment: DecodeSegment): string {
  const key = (frame: number): number =>
    segment.selectBy === "pts" ? info.frameIndex!.framePts[frame] : frame;
  const terms = toRanges(segment.emitted).map(([a, b]) =>
    a === b ? `eq(${segment.selectBy},${key(a)})` : `between(${segment.selectBy},${key(a)},${key(b)})`,
  );
  return balancedSum(terms);
}

/**
 * Runs ffmpeg on a segment, or on every frame when there is none. `-copyts` keeps the stream's own timestamps,
 * which the `select` expression names.
 */
function runFfmpeg(
  info: VideoInfo,
  segment: DecodeSegment | undefined,
  options: RunToolOptions & { threads?: number },
): Promise<ToolResult> {
  const { threads, ...runOptions } = options;
  const input = ["-nostdin", "-v", "error", ...(threads === undefined ? [] : ["-threads", String(threads)])];
  const output = ["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"];
  const map = ["-map", `0:${info.streamIndex}`];
  if (!segment) return runOnVideo("ffmpeg", info.path, input, [...map, ...output], runOptions);
  const seek =
    segment.seekPts === null
      ? []
      : ["-seek_timestamp", "1", "-ss", seekSeconds(segment.seekPts, info.timeBase), "-noaccurate_seek"];
  const select = `select='${selectExpression(info, segment)}'`;
  const frames = String(segment.emitted.length);
  // Input options go before "-i".
  const after = [...map, "-copyts", "-vf", select, "-frames:v", frames, ...output];
  return runOnVideo("ffmpeg", info.path, [...seek, ...input], after, runOptions);
}

/**
 * FFmpeg's output did not split into frames of the probed size. (A size change mid-stream does not cause this:
 * FFmpeg scales later frames to the first frame's size.)
 */
function frameSizeError(info: VideoInfo): VidmaeError {
  return new VidmaeError(
    "E_VIDEO",
    `${info.path}: decoded frames are not ${info.width}x${info.height} as probed`,
  );
}

/** Runs one segment, copying each emitted frame into the output slots that asked for it; returns frames received. */
async function runSegment(
  info: VideoInfo,
  segment: DecodeSegment,
  slots: Map<number, number[]>,
  out: Uint8Array,
  run: { signal?: AbortSignal; threads?: number },
): Promise<{ received: number; stderr: string; exitCode: number | null }> {
  const frameBytes = info.width * info.height * 3;
  let pos = 0;
  const onStdout = (chunk: Buffer): void => {
    for (let c = 0; c < chunk.length;) {
      const k = Math.floor(pos / frameBytes);
      if (k >= segment.emitted.length) throw frameSizeError(info);
      const offset = pos - k * frameBytes;
      const n = Math.min(frameBytes - offset, chunk.length - c);
      const part = chunk.subarray(c, c + n);
      for (const slot of slots.get(segment.emitted[k]) ?? []) out.set(part, slot * frameBytes + offset);
      c += n;
      pos += n;
    }
  };
  const result = await runFfmpeg(info, segment, { ...run, onStdout });
  if (result.exitCode === 0 && pos % frameBytes !== 0) throw frameSizeError(info);
  return { received: Math.floor(pos / frameBytes), stderr: result.stderr, exitCode: result.exitCode };
}

/**
 * Ways to run a segment, best first: a seek that misses a frame falls back to decoding from the start, and a
 * timestamp that the decoder reports differently from the demuxer falls back to counting frames.
 */
function attempts(segment: DecodeSegment, fallback: boolean): DecodeSegment[] {
  const list = [segment];
  if (!fallback) return list;
  if (segment.seekPts !== null) list.push({ ...segment, seekPts: null });
  if (segment.selectBy === "pts") list.push({ ...segment, seekPts: null, selectBy: "n" });
  return list;
}

/** Runs a segment's attempts until one yields all its frames; FFmpeg failing outright is not retried. */
async function decodeSegment(
  info: VideoInfo,
  segment: DecodeSegment,
  fallback: boolean,
  slots: Map<number, number[]>,
  out: Uint8Array,
  options: { signal?: AbortSignal; threads?: number },
): Promise<void> {
  let last = { received: 0, stderr: "" };
  for (const attempt of attempts(segment, fallback)) {
    const run = await runSegment(info, attempt, slots, out, options);
    if (run.exitCode !== 0) throw ffmpegError(info.path, run.stderr);
    if (run.received === attempt.emitted.length) return;
    last = run;
  }
  throw new VidmaeError(
    "E_VIDEO",
    `${info.path}: frame ${segment.emitted[last.received]} of ${info.frameCount} could not be decoded (truncated or corrupt file)`,
    { cause: new Error(last.stderr) },
  );
}

function checkIndices(info: VideoInfo, indices: readonly number[]): void {
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= info.frameCount);
  if (bad !== undefined) {
    throw invalidParameterError("indices", `integers in [0, ${info.frameCount - 1}] (${info.path})`, bad);
  }
}

/**
 * Decodes the frames at `indices` (decoded-frame numbers, any order, repeats allowed) and returns them in that
 * order. Equal, byte for byte, to the same frames of {@link decodeAllFrames}.
 *
 * @throws VidmaeError `E_VIDEO` naming the file and FFmpeg's reason, `E_INVALID_ARGUMENT` for a bad index
 * @example
 * const info = await probeVideo("clip.mp4");
 * const { frames } = await decodeFrames(info, uniformIndices(info.frameCount, 16)); // 16 × H × W × 3 bytes
 */
export async function decodeFrames(
  info: VideoInfo,
  indices: readonly number[],
  options: DecodeOptions = {},
): Promise<DecodedFrames> {
  const { signal, maxPixels = DEFAULT_MAX_PIXELS, fallback = true, threads } = options;
  assertFrameSize(info.path, info.width, info.height, maxPixels);
  checkIndices(info, indices);
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1))
    throw invalidParameterError("threads", "positive integer", threads);
  const { width, height } = info;
  const out = new Uint8Array(indices.length * width * height * 3);
  const slots = new Map<number, number[]>();
  indices.forEach((frame, slot) => {
    const list = slots.get(frame);
    if (list) list.push(slot);
    else slots.set(frame, [slot]);
  });
  const wanted = [...slots.keys()].sort((a, b) => a - b);

  for (const segment of planDecode(info, wanted, options)) {
    await decodeSegment(info, segment, fallback, slots, out, { signal, threads });
  }
  return { frames: out, width, height, count: indices.length };
}

/**
 * Decodes every frame with one plain FFmpeg run (no seeking, no selection): the reference that
 * {@link decodeFrames} is tested against, and a tool for short videos. Probes first when given a path.
 *
 * @example
 * const all = await decodeAllFrames("clip.mp4");
 * all.count === (await probeVideo("clip.mp4")).frameCount; // true
 */
export async function decodeAllFrames(
  video: string | VideoInfo,
  options: DecodeOptions = {},
): Promise<DecodedFrames> {
  const { signal, maxPixels = DEFAULT_MAX_PIXELS } = options;
  const info = typeof video === "string" ? await probeVideo(video, { signal, maxPixels }) : video;
  assertFrameSize(info.path, info.width, info.height, maxPixels);
  const run = await runFfmpeg(info, undefined, { signal });
  if (run.exitCode !== 0) throw ffmpegError(info.path, run.stderr);
  const frameBytes = info.width * info.height * 3;
  if (run.stdout.length % frameBytes !== 0) throw frameSizeError(info);
  const frames = new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.length);
  return { frames, width: info.width, height: info.height, count: run.stdout.length / frameBytes };
}
