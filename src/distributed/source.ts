/**
 * Where workers read videos from: a path every worker sees (a shared file system) or an http(s):// URL, which is
 * downloaded to a temporary file first. Either way the worker checks it found the content the coordinator hashed,
 * so a file replaced after enqueueing is reported rather than embedded under the old content's key.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, posix } from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { VidmaeError, wrapError } from "../errors.js";
import { type LabelSource, describeFile } from "../embed/collection.js";
import type { EmbeddingStore, VideoFile } from "../store/types.js";
import type { EmbedJob } from "./job.js";

/**
 * True for inputs that are downloaded rather than read from the file system.
 *
 * @example
 * isVideoUrl("https://media.example.com/clips/a.mp4"); // true
 */
export function isVideoUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** What a download found: the content's hash and length. */
interface Downloaded {
  contentHash: string;
  sizeBytes: number;
}

/** Streams `url` through sha256, into `file` when given. */
async function download(url: string, file: string | null, userAgent: string): Promise<Downloaded> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { "user-agent": userAgent } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new VidmaeError("E_IO", `${url}: download failed (${cause?.code ?? cause?.message ?? String(e)})`, {
      cause: e,
    });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new VidmaeError("E_IO", `${url}: download failed (HTTP ${response.status} ${response.statusText})`);
  }
  const hash = createHash("sha256");
  const out = file ? createWriteStream(file) : null;
  let sizeBytes = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
      if (out && !out.write(chunk)) await once(out, "drain");
    }
    out?.end();
    if (out) await finished(out);
  } catch (e) {
    out?.destroy();
    throw wrapError(e, "E_IO", `${url}: download failed`);
  }
  return { contentHash: `sha256:${hash.digest("hex")}`, sizeBytes };
}

/** `--labels-from-dirs` for a URL: its parent folder's name. */
function urlLabel(url: string, labels: LabelSource | undefined): string | undefined {
  if (!labels) return undefined;
  if ("map" in labels) return labels.map.get(url);
  return decodeURIComponent(posix.basename(posix.dirname(new URL(url).pathname))) || undefined;
}

/**
 * A URL as the store records it. The content is downloaded and hashed unless a HEAD request shows the same length
 * and Last-Modified time as when the store last saw this URL.
 */
async function describeUrl(
  store: EmbeddingStore,
  url: string,
  labels: LabelSource | undefined,
  userAgent: string,
): Promise<VideoFile> {
  const head = await fetch(url, { method: "HEAD", headers: { "user-agent": userAgent } }).catch(() => null);
  const mtimeMs = Date.parse(head?.headers.get("last-modified") ?? "") || 0;
  const length = Number(head?.headers.get("content-length") ?? NaN);
  const known = await store.findVideoByPath(url);
  const unchanged =
    head?.ok && known && mtimeMs > 0 && known.sizeBytes === length && known.mtimeMs === mtimeMs;
  const { contentHash, sizeBytes } = unchanged ? known : await download(url, null, userAgent);
  const label = urlLabel(url, labels);
  return { path: url, sizeBytes, mtimeMs, contentHash, ...(label !== undefined ? { label } : {}) };
}

/**
 * A video input as the store records it: a file (by its absolute path, so workers elsewhere find it) or a URL.
 *
 * @param userAgent - sent with downloads, so a media server's logs say who fetched what
 * @throws VidmaeError E_IO when the file cannot be read or the download fails
 * @example
 * const file = await describeSource(store, "https://media.example.com/a.mp4", undefined, "vidmae");
 */
export async function describeSource(
  store: EmbeddingStore,
  input: string,
  labels: LabelSource | undefined,
  userAgent: string,
): Promise<VideoFile> {
  if (isVideoUrl(input)) return describeUrl(store, input, labels, userAgent);
  try {
    return await describeFile(store, input, labels);
  } catch (e) {
    throw wrapError(e, "E_IO", `${input}: cannot read file`);
  }
}

/** Downloads go to `<tmpdir>/vidmae-fetch-<pid>-<random>`, so the folders of a killed worker can be told apart. */
const FETCH_PREFIX = "vidmae-fetch-";

/**
 * Removes the download folders of worker processes that no longer run on this machine (killed mid-download).
 *
 * @example
 * await removeStaleDownloads(); // at worker start
 */
export async function removeStaleDownloads(): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  };
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^vidmae-fetch-(\d+)-/.exec(name)?.[1]);
    if (pid && !alive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** A video on local disk for the embedder, and how to clean up after it. */
export interface LocalVideo {
  path: string;
  release(): Promise<void>;
}

function changed(uri: string, found: string, expected: string): VidmaeError {
  return new VidmaeError(
    "E_IO",
    `${uri}: content changed since it was enqueued (now ${found}, enqueued ${expected}); enqueue it again`,
  );
}

/**
 * Makes a job's video readable on this machine: a shared path as is, a URL downloaded into a temporary folder
 * (removed by `release`). The content hash must be the one the coordinator enqueued.
 *
 * @throws VidmaeError E_IO when the video cannot be read or downloaded, or has other content now
 * @example
 * const local = await openSource(store, job.video, "vidmae worker host-1:42");
 * try { await embedder.embedVideo(local.path); } finally { await local.release(); }
 */
export async function openSource(
  store: EmbeddingStore,
  video: EmbedJob["video"],
  userAgent: string,
): Promise<LocalVideo> {
  if (!isVideoUrl(video.uri)) {
    const found = await describeSource(store, video.uri, undefined, userAgent);
    if (found.contentHash !== video.contentHash)
      throw changed(video.uri, found.contentHash, video.contentHash);
    return { path: video.uri, release: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), `${FETCH_PREFIX}${process.pid}-`));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    // FFmpeg guesses some containers by extension, so the file keeps the URL's name.
    const path = join(dir, basename(new URL(video.uri).pathname) || "video");
    const { contentHash } = await download(video.uri, path, userAgent);
    if (contentHash !== video.contentHash) throw changed(video.uri, contentHash, video.contentHash);
    return { path, release };
  } catch (e) {
    await release();
    throw e;
  }
}
