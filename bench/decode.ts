/**
 * Decoding throughput with FFmpeg: a full decode of a 720p H.264 clip to RGB24, a 16-frame uniform sample of it,
 * and a 16-frame sample of a one-hour video (which must not decode the hour). Videos are made once into
 * bench/.cache.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { makeVideo, type VideoSpec } from "../test/helpers/synthetic-videos.js";
import { decodeAllFrames, decodeFrames } from "../src/video/decode.js";
import { probeVideo } from "../src/video/probe.js";
import { uniformIndices } from "../src/video/sampling.js";
import { bestSeconds } from "./timing.js";

const CACHE = fileURLToPath(new URL("./.cache/decode/", import.meta.url));

/** 3 s of 720p at 30 fps: 250 MB once decoded. */
const CLIP_720P: VideoSpec = { name: "720p-90.mp4", width: 1280, height: 720, fps: 30, frames: 90 };
/** 5 minutes of 320x180 at 30 fps, keyframe every 2 s; 12 of them make the one-hour video. */
const LONG: VideoSpec = { name: "180p-5min.mp4", width: 320, height: 180, fps: 30, frames: 9000, gop: 60 };

/** Made under a temporary name and renamed, so that an interrupted run leaves no half-written video behind. */
async function cached(spec: VideoSpec): Promise<string> {
  const path = `${CACHE}${spec.name}`;
  if (!existsSync(path))
    await rename(await makeVideo(CACHE, { ...spec, name: `partial-${spec.name}` }), path);
  return path;
}

/** One hour: the 5-minute video 12 times over, joined by stream copy (seconds, where encoding would take minutes). */
async function cachedHour(): Promise<string> {
  const path = `${CACHE}180p-1h.mp4`;
  if (existsSync(path)) return path;
  const part = await cached(LONG);
  const list = `${CACHE}parts.txt`;
  await writeFile(list, `file '${part}'\n`.repeat(12));
  const partial = `${CACHE}partial-180p-1h.mp4`;
  const args = ["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", partial];
  await promisify(execFile)("ffmpeg", args);
  await rename(partial, path);
  return path;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/**
 * Frames per second of full and sampled decoding, and the cost of sampling a long video.
 *
 * @example
 * console.table(await benchDecode()); // { "decode 720p full (frames/s)": 150, ... }
 */
export async function benchDecode(): Promise<Record<string, number>> {
  await mkdir(CACHE, { recursive: true });
  const clip = await probeVideo(await cached(CLIP_720P));
  const sample = uniformIndices(clip.frameCount, 16);
  const full = await bestSeconds(() => decodeAllFrames(clip));
  const sampled = await bestSeconds(() => decodeFrames(clip, sample));

  const long = await probeVideo(await cached(LONG));
  const last = long.frameCount - 1;
  const fromStart = await bestSeconds(() => decodeFrames(long, [last], { maxGapFrames: Infinity }), 1);

  const hourPath = await cachedHour();
  const probeHour = await bestSeconds(() => probeVideo(hourPath), 1);
  const hour = await probeVideo(hourPath);
  const seeking = await bestSeconds(() => decodeFrames(hour, uniformIndices(hour.frameCount, 16)));
  return {
    "decode 720p full (frames/s)": round(clip.frameCount / full),
    "decode 720p 16 sampled of 90 (frames/s)": round(16 / sampled),
    "decode 180p from the start (frames/s)": round(long.frameCount / fromStart, 0),
    "probe 1-hour 180p, 108000 frames (ms)": round(probeHour * 1000, 0),
    "decode 16 of 1-hour 180p, seeking (ms)": round(seeking * 1000, 0),
  };
}
