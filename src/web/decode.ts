/**
 * Decoding the sampled frames of a demuxed video with WebCodecs: every sample goes through the decoder (frames
 * depend on each other), and only the frames at the wanted presentation indices are copied out and converted.
 */
import { VidmaeError, wrapError } from "../errors.js";
import type { DemuxedVideo } from "./demux.js";
import { type VideoFrameLike, browserGlobals } from "./globals.js";
import { yuv420ToRgb } from "./yuv.js";

/** Decoded RGB24 frames by presentation index, all of one size. */
export interface DecodedFrames {
  width: number;
  height: number;
  frames: Map<number, Uint8Array>;
}

/** Copies a frame's planes and converts them to RGB24. */
async function toRgb(frame: VideoFrameLike): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const width = frame.visibleRect?.width ?? 0;
  const height = frame.visibleRect?.height ?? 0;
  const buf = new Uint8Array(frame.allocationSize());
  const layouts = await frame.copyTo(buf);
  return { rgb: yuv420ToRgb(buf, layouts, frame.format, width, height, frame.colorSpace), width, height };
}

/**
 * Decodes `video` and returns the frames at `wanted` presentation indices (0 = first presented frame).
 *
 * @param name - names the file in errors
 * @throws VidmaeError `E_VIDEO` when WebCodecs is missing, the codec is unsupported, or decoding fails
 * @example
 * const { frames } = await decodeSampled(video, new Set([1, 3, 6, 8]), "clip.mp4");
 */
export async function decodeSampled(
  video: DemuxedVideo,
  wanted: ReadonlySet<number>,
  name: string,
): Promise<DecodedFrames> {
  const { VideoDecoder, EncodedVideoChunk } = browserGlobals();
  if (!VideoDecoder || !EncodedVideoChunk)
    throw new VidmaeError("E_VIDEO", `${name}: this browser has no WebCodecs VideoDecoder`);
  const config = {
    codec: video.codec,
    description: video.description,
    codedWidth: video.width,
    codedHeight: video.height,
  };
  const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  if (!support.supported)
    throw new VidmaeError(
      "E_VIDEO",
      `${name}: unsupported codec ${video.codec} (this browser cannot decode it)`,
    );
  const pending: Promise<void>[] = [];
  const frames = new Map<number, Uint8Array>();
  let size: { width: number; height: number } | null = null;
  let index = 0;
  let failure: Error | null = null;
  const decoder = new VideoDecoder({
    // Frames arrive in presentation order; each is closed as soon as it is copied, or the decoder stalls.
    output: (frame) => {
      const i = index++;
      if (!wanted.has(i)) {
        frame.close();
        return;
      }
      pending.push(
        toRgb(frame)
          .then(({ rgb, width, height }) => {
            size ??= { width, height };
            if (width !== size.width || height !== size.height)
              throw new VidmaeError("E_VIDEO", `${name}: frame size changes mid-stream (${width}x${height})`);
            frames.set(i, rgb);
          })
          .finally(() => frame.close()),
      );
    },
    error: (e) => {
      failure = e;
    },
  });
  try {
    decoder.configure(config);
    for (const s of video.samples)
      decoder.decode(
        new EncodedVideoChunk({
          type: s.key ? "key" : "delta",
          timestamp: s.cts,
          duration: s.duration,
          data: s.data,
        }),
      );
    await decoder.flush();
    await Promise.all(pending);
  } catch (e) {
    throw wrapError(failure ?? e, "E_VIDEO", `${name}: decoding failed`);
  } finally {
    decoder.close();
  }
  if (failure) throw wrapError(failure, "E_VIDEO", `${name}: decoding failed`);
  const missing = [...wanted].filter((i) => !frames.has(i));
  if (missing.length > 0 || !size)
    throw new VidmaeError(
      "E_VIDEO",
      `${name}: the decoder returned ${index} of ${video.samples.length} frames`,
    );
  const { width, height } = size as { width: number; height: number };
  return { width, height, frames };
}
