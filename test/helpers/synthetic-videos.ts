/**
 * Small test videos made with FFmpeg's lavfi sources, plus the bad inputs a video pipeline must survive. Shared by
 * every test that needs a real file: make them once per test file into a temp dir (see {@link makeTestSet}).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs ffmpeg quietly, overwriting its output. */
async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args]);
}

/**
 * What to make. Only `name` is required: the extension picks container and default codec (mp4/mov/m4v/mkv →
 * H.264, avi → MPEG-4 part 2, webm → VP9); the defaults make a 64x48, 25 fps, 30-frame `testsrc2` video.
 *
 * @example
 * const spec: VideoSpec = { name: "long.mkv", frames: 600, gop: 48, width: 96, height: 64 };
 */
export interface VideoSpec {
  /** File name, e.g. `h264.mp4`. */
  name: string;
  /** A lavfi video source, optionally with its own options: `testsrc2` (default), `mandelbrot`, `smptebars`, `color=c=blue`. */
  source?: string;
  width?: number;
  height?: number;
  fps?: number;
  frames?: number;
  /** FFmpeg encoder: `libx264`, `mpeg4`, `libvpx`, `libvpx-vp9`, `mjpeg`. */
  codec?: string;
  /** Keyframe interval in frames. */
  gop?: number;
  /** Maximum consecutive B-frames (H.264 and MPEG-4). */
  bframes?: number;
  /** Adds a sine audio track (AAC, Opus in WebM, MP3 in AVI). */
  audio?: boolean;
  /** Variable frame rate: frame n at (n + n²/(2·frames))/fps s, so intervals grow from 1/fps to 2/fps. */
  vfr?: boolean;
  /** Stores a display rotation (MP4/MOV), written as the `rotate` tag by a stream copy; ffprobe reports it. */
  rotate?: 90 | 180 | 270;
  /** Stream-copies from this time on, mid-GOP, so an MP4 edit list hides frames that must still be decoded. */
  cutStartSec?: number;
}

const DEFAULT_CODEC: Record<string, string> = {
  ".mp4": "libx264",
  ".mov": "libx264",
  ".m4v": "libx264",
  ".mkv": "libx264",
  ".avi": "mpeg4",
  ".webm": "libvpx-vp9",
};

/** Encoder options: small, fast, and in the pixel format every decoder of that codec reads. */
function codecArgs(codec: string, spec: VideoSpec): string[] {
  const bframes = spec.bframes === undefined ? [] : ["-bf", String(spec.bframes)];
  switch (codec) {
    case "libx264":
      return ["-preset", "veryfast", "-pix_fmt", "yuv420p", ...bframes];
    case "mpeg4":
      return ["-q:v", "5", "-pix_fmt", "yuv420p", ...bframes];
    case "libvpx":
    case "libvpx-vp9":
      return ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-pix_fmt", "yuv420p"];
    case "mjpeg":
      return ["-q:v", "5", "-pix_fmt", "yuvj420p"];
    default:
      return [];
  }
}

function audioCodec(ext: string): string {
  return ext === ".webm" ? "libopus" : ext === ".avi" ? "libmp3lame" : "aac";
}

/**
 * Encodes the video `spec` describes into `dir` and returns its path.
 *
 * @example
 * const path = await makeVideo(dir, { name: "vp9.webm", source: "mandelbrot", fps: 24, frames: 48 });
 */
export async function makeVideo(dir: string, spec: VideoSpec): Promise<string> {
  const { width = 64, height = 48, fps = 25, frames = 30, source = "testsrc2" } = spec;
  const ext = extname(spec.name).toLowerCase();
  const codec = spec.codec ?? DEFAULT_CODEC[ext] ?? "libx264";
  const out = join(dir, spec.name);
  const remux = spec.rotate !== undefined || spec.cutStartSec !== undefined;
  const encoded = remux ? join(dir, `encoded-${spec.name}`) : out;
  const sep = source.includes("=") ? ":" : "=";
  const inputs = ["-f", "lavfi", "-i", `${source}${sep}s=${width}x${height}:r=${fps}`];
  if (spec.audio) inputs.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000");
  // Fine time base first, or the growing intervals would be rounded to whole 1/fps ticks.
  const vfr = spec.vfr ? ["-vf", `settb=1/90000,setpts='(N+N*N/(2*${frames}))/(${fps}*TB)'`] : [];
  await ffmpeg([
    ...inputs,
    ...["-frames:v", String(frames), ...vfr, "-fps_mode", "passthrough"],
    ...["-c:v", codec, ...codecArgs(codec, spec)],
    ...(spec.gop === undefined ? [] : ["-g", String(spec.gop)]),
    ...(spec.audio ? ["-c:a", audioCodec(ext), "-shortest"] : []),
    encoded,
  ]);
  if (!remux) return out;
  const cut = spec.cutStartSec === undefined ? [] : ["-ss", String(spec.cutStartSec)];
  const rotate = spec.rotate === undefined ? [] : ["-metadata:s:v", `rotate=${spec.rotate}`];
  await ffmpeg([...cut, "-i", encoded, "-map", "0", "-c", "copy", ...rotate, out]);
  await rm(encoded);
  return out;
}

/** Kinds of bad input, each one a failure a video pipeline meets in the wild. */
export type BadInputKind =
  | "empty"
  | "truncated-mp4"
  | "truncated-mkv"
  | "text"
  | "audio-only"
  | "unsupported-codec"
  | "huge-dimensions";

/**
 * Writes one bad input into `dir` and returns its path:
 * - `empty`: `empty.mp4`, zero bytes;
 * - `truncated-mp4`: the first 60% of an MP4 whose index (moov) is at the end;
 * - `truncated-mkv`: the first 60% of a Matroska file;
 * - `text`: `not-a-video.avi`, plain text;
 * - `audio-only`: `audio-only.m4a`, AAC sine;
 * - `unsupported-codec`: `unknown-codec.avi`, MPEG-4 with its FourCC changed to `ZQZQ`;
 * - `huge-dimensions`: `huge.y4m`, a YUV4MPEG2 header claiming 16000x12000 frames.
 *
 * @example
 * const path = await makeBadInput(dir, "truncated-mp4");
 */
export async function makeBadInput(dir: string, kind: BadInputKind): Promise<string> {
  switch (kind) {
    case "empty": {
      const path = join(dir, "empty.mp4");
      await writeFile(path, "");
      return path;
    }
    case "truncated-mp4":
    case "truncated-mkv": {
      const path = await makeVideo(dir, {
        name: kind === "truncated-mp4" ? "truncated.mp4" : "truncated.mkv",
      });
      await truncate(path, Math.floor((await readFile(path)).length * 0.6));
      return path;
    }
    case "text": {
      const path = join(dir, "not-a-video.avi");
      await writeFile(path, "This is a text file, not a video.\n");
      return path;
    }
    case "audio-only": {
      const path = join(dir, "audio-only.m4a");
      await ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", path]);
      return path;
    }
    case "unsupported-codec": {
      const path = await makeVideo(dir, { name: "unknown-codec.avi", codec: "mpeg4", frames: 5 });
      // FFmpeg's MPEG-4 encoder tags AVI streams FMP4 (in the stream header and the format block).
      const bytes = await readFile(path);
      await writeFile(path, Buffer.from(bytes.toString("latin1").replaceAll("FMP4", "ZQZQ"), "latin1"));
      return path;
    }
    case "huge-dimensions": {
      const path = join(dir, "huge.y4m");
      await writeFile(path, "YUV4MPEG2 W16000 H12000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + "x".repeat(64));
      return path;
    }
  }
}

/** The ready-made set: good videos by name, bad inputs by kind. */
export interface TestSet {
  dir: string;
  /** 64x48, 25 fps, 30 frames, H.264 with B-frames, keyframe every 10. */
  h264: string;
  /** 64x48, 30 fps, 30 frames, MPEG-4 part 2 in AVI, with B-frames. */
  mpeg4: string;
  /** 64x48, 24 fps, 24 frames, VP9 in WebM, `mandelbrot`. */
  vp9: string;
  /** 64x48, 10 fps, 20 frames, VP8 in WebM, `smptebars`. */
  vp8: string;
  /** 64x48, 15 fps, 15 frames, MJPEG in Matroska. */
  mjpeg: string;
  /** The H.264 video stored 64x48 with rotation 90: decodes to 48x64. */
  rotated: string;
  /** 64x48, 40 frames of H.264 in MP4 whose frame intervals grow from 1/25 s to 2/25 s; keyframe every 10. */
  vfr: string;
  /** The same in Matroska (millisecond timestamps). */
  vfrMkv: string;
  /** 96x64, 30 fps, 600 frames, H.264 in MP4 with B-frames, keyframe every 48: for seek tests. */
  longMp4: string;
  /** 96x64, 30 fps, 450 frames, VP9 in WebM, keyframe every 40: seeks through Matroska cues. */
  longWebm: string;
  /** MP4 with an AAC track, 64x48, 25 fps, 25 frames. */
  withAudio: string;
  /** 40 frames stream-copied from 0.5 s (mid-GOP): an edit list hides 3 decoded frames; 37 frames remain. */
  editList: string;
  bad: Record<BadInputKind, string>;
}

const BAD_KINDS: BadInputKind[] = [
  "empty",
  "truncated-mp4",
  "truncated-mkv",
  "text",
  "audio-only",
  "unsupported-codec",
  "huge-dimensions",
];

/**
 * Makes the whole {@link TestSet} in a new temp dir (about 2 s on 2 cores); remove it with {@link removeTestSet}.
 *
 * @example
 * let set: TestSet;
 * before(async () => { set = await makeTestSet(); });
 * after(() => removeTestSet(set));
 */
export async function makeTestSet(dir?: string): Promise<TestSet> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), "vidmae-videos-")));
  const make = (spec: VideoSpec): Promise<string> => makeVideo(root, spec);
  const [h264, mpeg4, vp9, vp8, mjpeg, rotated, vfr, vfrMkv, longMp4, longWebm, withAudio, editList] =
    await Promise.all([
      make({ name: "h264.mp4", gop: 10, bframes: 2 }),
      make({ name: "mpeg4.avi", fps: 30, gop: 12, bframes: 2 }),
      make({ name: "vp9.webm", source: "mandelbrot", fps: 24, frames: 24 }),
      make({ name: "vp8.webm", codec: "libvpx", source: "smptebars", fps: 10, frames: 20 }),
      make({ name: "mjpeg.mkv", codec: "mjpeg", fps: 15, frames: 15 }),
      make({ name: "rotated.mp4", gop: 10, rotate: 90 }),
      make({ name: "vfr.mp4", frames: 40, gop: 10, vfr: true }),
      make({ name: "vfr.mkv", frames: 40, gop: 10, vfr: true }),
      make({ name: "long.mp4", width: 96, height: 64, fps: 30, frames: 600, gop: 48, bframes: 2 }),
      make({ name: "long.webm", width: 96, height: 64, fps: 30, frames: 450, gop: 40 }),
      make({ name: "with-audio.mp4", frames: 25, audio: true }),
      make({ name: "edit-list.mp4", frames: 50, gop: 10, bframes: 2, cutStartSec: 0.5 }),
    ]);
  const bad = {} as Record<BadInputKind, string>;
  await Promise.all(BAD_KINDS.map(async (kind) => (bad[kind] = await makeBadInput(root, kind))));
  return {
    dir: root,
    h264,
    mpeg4,
    vp9,
    vp8,
    mjpeg,
    rotated,
    vfr,
    vfrMkv,
    longMp4,
    longWebm,
    withAudio,
    editList,
    bad,
  };
}

/**
 * Deletes a test set's directory.
 *
 * @example
 * after(() => removeTestSet(set));
 */
export async function removeTestSet(set: TestSet): Promise<void> {
  await rm(set.dir, { recursive: true, force: true });
}
