/**
 * MP4/MOV demuxing in the browser with mp4box: the first video track's codec string, decoder description
 * (`avcC`/`hvcC`/`vpcC`/`av1C` box body) and samples in decode order, read by the sample tables.
 */
import { DataStream, Endianness, MP4BoxBuffer, createFile } from "mp4box";
import { VidmaeError } from "../errors.js";

/** One encoded frame, decode order. */
export interface EncodedSample {
  data: Uint8Array;
  /** Presentation time in `timescale` units. */
  cts: number;
  duration: number;
  key: boolean;
}

/** The video track of a file, ready for `VideoDecoder`. */
export interface DemuxedVideo {
  codec: string;
  description: Uint8Array | undefined;
  width: number;
  height: number;
  timescale: number;
  /** Track duration in `timescale` units. */
  duration: number;
  samples: EncodedSample[];
}

/** Codec configuration boxes whose body is WebCodecs' `description`. */
const CONFIG_BOXES = ["avcC", "hvcC", "vpcC", "av1C"] as const;

/** The body (without the 8-byte box header) of the sample entry's codec configuration box. */
function description(entry: unknown): Uint8Array | undefined {
  for (const name of CONFIG_BOXES) {
    const box = (entry as Record<string, { write(s: DataStream): void } | undefined>)[name];
    if (!box) continue;
    const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
    box.write(stream);
    return new Uint8Array(stream.buffer, 8);
  }
  return undefined;
}

/**
 * Demuxes a whole MP4/MOV file held in memory.
 *
 * @param name - names the file in errors
 * @throws VidmaeError `E_VIDEO` for an empty file, a file mp4box cannot parse, or no video track
 * @example
 * const video = demuxMp4(new Uint8Array(await file.arrayBuffer()), file.name);
 */
export function demuxMp4(bytes: Uint8Array, name: string): DemuxedVideo {
  if (bytes.byteLength === 0) throw new VidmaeError("E_VIDEO", `${name}: empty file (0 bytes)`);
  const file = createFile();
  let error: string | null = null;
  file.onError = (_module: string, message: string) => {
    error = message;
  };
  const copy = bytes.slice().buffer;
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0), true);
  file.flush();
  const info = file.getInfo?.() ?? null;
  const track = info?.videoTracks?.[0];
  if (!track)
    throw new VidmaeError(
      "E_VIDEO",
      `${name}: no video stream${error ? ` (${error})` : " (not an MP4/MOV file, or no video track)"}`,
    );
  // The whole file is in memory: sample tables give each frame's byte range, no extraction pass needed.
  const samples: EncodedSample[] = file.getTrackSamplesInfo(track.id).map((s) => {
    if (s.offset + s.size > bytes.byteLength)
      throw new VidmaeError("E_VIDEO", `${name}: file is truncated (sample ${s.number} lies past its end)`);
    return {
      data: bytes.subarray(s.offset, s.offset + s.size),
      cts: s.cts,
      duration: s.duration,
      key: s.is_sync,
    };
  });
  if (samples.length === 0) throw new VidmaeError("E_VIDEO", `${name}: video stream has no frames`);
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0];
  return {
    codec: track.codec,
    description: description(entry),
    width: track.video?.width ?? track.track_width,
    height: track.video?.height ?? track.track_height,
    timescale: track.timescale,
    duration: track.duration,
    samples,
  };
}
