/**
 * Fetches one blob into the cache the way huggingface_hub does: into `blobs/<etag>.incomplete`, resumed with a
 * `Range` request after a dropped connection, cut off as soon as it passes the announced size, checked (sha256 for
 * LFS blobs), then renamed into place. A refused reply leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { VidmaeError, wrapError } from "../../errors.js";
import type { FileMetadata } from "./api.js";
import {
  boundedBody,
  describeTarget,
  hubRequest,
  networkError,
  StallTimer,
  type HubClient,
  type HubTarget,
} from "./http.js";
import { replyError } from "./reply.js";

/** One blob to fetch. */
export interface BlobJob {
  target: Required<HubTarget>;
  meta: FileMetadata;
  /** `blobs/<etag>` in the repo's cache folder. */
  blobPath: string;
  /** Called with the bytes of this file on disk (resumed bytes included) as they grow. */
  onBytes: (fileBytes: number) => void;
}

/** Connection attempts per blob; each one resumes where the last stopped. */
const ATTEMPTS = 5;

/** Size of a file, 0 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Turns a file system failure into E_IO naming what was being done. */
function io<T>(promise: Promise<T>, context: string): Promise<T> {
  return promise.catch((error: unknown) => {
    throw wrapError(error, "E_IO", context);
  });
}

/** Hex sha256 of a file, read as a stream (blobs can be gigabytes). */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** One attempt: appends what the server sends to `partial`, counting each chunk with `count`. */
async function transfer(
  client: HubClient,
  job: BlobJob,
  partial: string,
  count: (bytes: number) => void,
): Promise<void> {
  const { target, meta } = job;
  let have = await sizeOf(partial);
  if (have > meta.size) {
    await io(rm(partial), `Cannot remove ${partial}`); // longer than the file can be: not a prefix of it
    have = 0;
  }
  if (have === meta.size) return;
  const stall = new StallTimer(client.timeoutMs);
  try {
    const { response } = await hubRequest(client, target, meta.url, {
      method: "GET",
      headers: have > 0 ? { range: `bytes=${have}-` } : {},
      signal: stall.signal,
    });
    let done = response.status === 206 ? have : 0; // a 200 means the server ignored the range: start over
    const file = await io(open(partial, done > 0 ? "a" : "w"), `Cannot write ${partial}`);
    job.onBytes(done);
    const tooLong = (): VidmaeError =>
      replyError(describeTarget(target), `body: longer than the ${meta.size} bytes the hub announced`);
    try {
      for await (const chunk of boundedBody(response, meta.size - done, tooLong)) {
        stall.touch();
        await io(file.appendFile(chunk), `Cannot write ${partial}`); // appendFile writes the whole chunk
        done += chunk.byteLength;
        count(chunk.byteLength);
        job.onBytes(done);
      }
    } catch (error) {
      throw error instanceof VidmaeError ? error : networkError(client, target, error);
    } finally {
      await file.close();
    }
    if (done < meta.size) {
      throw networkError(client, target, new Error(`connection closed after ${done} of ${meta.size} bytes`));
    }
  } finally {
    stall.clear();
  }
}

/** Refuses a finished download whose sha256 is not its etag (only LFS etags are sha256; a git blob id is trusted). */
async function verify(job: BlobJob, partial: string): Promise<void> {
  const { etag } = job.meta;
  if (!/^[0-9a-f]{64}$/.test(etag)) return;
  const digest = await sha256Of(partial);
  if (digest !== etag)
    throw replyError(describeTarget(job.target), `body: sha256 ${digest} differs from the ETag ${etag}`);
}

/**
 * Downloads `job.meta.url` to `job.blobPath`, resuming a `.incomplete` file left by an earlier attempt or run.
 * Returns the bytes transferred over the network.
 *
 * @example
 * const bytes = await downloadBlob(client, { target, meta, blobPath: cache.blobPath(meta.etag), onBytes: console.log });
 */
export async function downloadBlob(client: HubClient, job: BlobJob): Promise<number> {
  const partial = `${job.blobPath}.incomplete`;
  await io(mkdir(dirname(partial), { recursive: true }), `Cannot create ${dirname(partial)}`);
  try {
    const transferred = await transferWithRetries(client, job, partial);
    await verify(job, partial);
    await io(rename(partial, job.blobPath), `Cannot move ${partial} to ${job.blobPath}`);
    return transferred;
  } catch (error) {
    // Bytes the hub's own headers refute are no prefix worth resuming.
    if (error instanceof VidmaeError && error.code === "E_HUB_REPLY") await rm(partial, { force: true });
    throw error;
  }
}

/** Up to {@link ATTEMPTS} transfers, each resuming the last; returns the bytes transferred. */
async function transferWithRetries(client: HubClient, job: BlobJob, partial: string): Promise<number> {
  let transferred = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await transfer(client, job, partial, (bytes) => (transferred += bytes));
      return transferred;
    } catch (error) {
      if (!(error instanceof VidmaeError && error.code === "E_HUB_NETWORK")) throw error;
      if (attempt === ATTEMPTS) {
        const kept =
          (await sizeOf(partial)) > 0
            ? ` The partial download is kept in ${partial} and resumes on the next pull.`
            : "";
        throw new VidmaeError(error.code, `${error.message}${kept}`, { cause: error.cause });
      }
    }
  }
}
