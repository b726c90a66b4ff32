/**
 * Storing a request's video after it was embedded (`POST /v1/embed` with `store`): an upload is kept under the
 * uploads directory (its temporary file is removed with the request), a path input is stored where it is (one more
 * path of the video when its content is stored already). Paths are stored real and absolute. Only
 * successful embeddings reach here, so a bad file never leaves a row behind.
 */
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { probeRecord } from "../embed/collection.js";
import { wrapError } from "../errors.js";
import type { EmbeddingSpace } from "../space/spec.js";
import { storedPath } from "../store/paths.js";
import type { EmbeddingStore, VideoRecord } from "../store/types.js";
import type { EmbeddedVideo, VideoInput } from "./embedding.js";
import { HttpError } from "./http-errors.js";

/** Where an upload is kept: content hash prefix + the client's name, reduced to safe characters. */
function keptName(video: EmbeddedVideo): string {
  const hex = video.contentHash.replace(/^sha256:/, "").slice(0, 16);
  return `${hex}-${video.name.replace(/[^A-Za-z0-9._-]/g, "_").slice(-100)}`;
}

/** Copies an upload into `uploadsDir` (atomically: a partial file is never seen under the final name). */
async function keepUpload(input: VideoInput, video: EmbeddedVideo, uploadsDir: string): Promise<string> {
  await mkdir(uploadsDir, { recursive: true });
  const target = join(uploadsDir, keptName(video));
  const exists = await stat(target).then(
    (s) => s.size === input.sizeBytes,
    () => false,
  );
  if (!exists) {
    const partial = `${target}.partial`;
    try {
      await copyFile(input.path, partial);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw wrapError(error, "E_IO", `Cannot keep upload ${video.name} in ${uploadsDir}`);
    }
  }
  return target;
}

/**
 * Stores `video` in `space` and returns its record. Content already stored in the space is not stored again (a
 * given `label` is still applied).
 *
 * @param options.uploadsDir - where uploads are kept; null refuses to store uploads (400)
 * @throws HttpError 400 when an upload cannot be kept; VidmaeError `E_IO`/`E_STORE`
 * @example
 * const record = await storeVideo(store, space, input, video, { uploadsDir: "vidmae.db.uploads", label: "cat" });
 */
export async function storeVideo(
  store: EmbeddingStore,
  space: EmbeddingSpace,
  input: VideoInput,
  video: EmbeddedVideo,
  options: { uploadsDir: string | null; label?: string },
): Promise<VideoRecord> {
  const known = await store.findVideoByHash(video.contentHash);
  const label = options.label !== undefined ? { label: options.label } : {};
  if (known?.path && (await store.status(space.id, known.id))?.status === "ok") {
    // A path input is one more path of the stored video (with its label); an upload is not kept again.
    if (!input.upload) {
      const { size, mtimeMs } = await stat(input.path);
      const file = {
        path: await storedPath(input.path),
        sizeBytes: size,
        mtimeMs,
        contentHash: video.contentHash,
      };
      return (await store.upsertVideos([{ ...file, ...label }]))[0];
    }
    if (options.label !== undefined) await store.setLabel(known.id, options.label);
    return (await store.getVideo(known.id))!;
  }
  if (input.upload && options.uploadsDir === null)
    throw new HttpError(
      400,
      "E_INVALID_ARGUMENT",
      "This server keeps no uploads (start it with --uploads-dir), so an upload cannot be stored",
    );
  // Stored real and absolute, so the video is found from any directory (a relative --uploads-dir included).
  const path = await storedPath(
    input.upload ? await keepUpload(input, video, options.uploadsDir!) : input.path,
  );
  const { embedding } = video;
  try {
    const { size, mtimeMs } = await stat(path);
    const [record] = await store.upsertVideos([
      {
        path,
        sizeBytes: size,
        mtimeMs,
        contentHash: video.contentHash,
        // The probe's path is where the video was read from (a temp file for uploads): record where it is kept.
        probe: { ...probeRecord(embedding), path },
        ...label,
      },
    ]);
    await store.saveEmbeddings(space.id, [
      {
        videoId: record.id,
        clips: embedding.clips.map(({ clipIndex, crop, frameIndices, startSec, endSec, vector }) => ({
          clipIndex,
          crop,
          frameIndices,
          startSec,
          endSec,
          vector,
        })),
        videoVector: embedding.vector,
        tooShort: embedding.prepared.tooShort,
      },
    ]);
    return record;
  } catch (error) {
    throw wrapError(error, "E_STORE", `Cannot store ${video.name}`);
  }
}
