/**
 * Downloads the files a VideoMAE checkpoint needs from the Hugging Face hub into the shared hub cache, or finds them
 * there when offline or when the hub cannot be reached.
 *
 * Hand-written on `fetch`: `@huggingface/hub` 2.17 has no resume, progress, offline mode or HF_ENDPOINT, and names
 * a branch's snapshot after the file's last commit instead of the repo commit as huggingface_hub does.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { invalidParameterError, VidmaeError } from "../../errors.js";
import { fetchFileMetadata, fetchListing, type FileMetadata } from "./api.js";
import { COMMIT_PATTERN, isFile, RepoCache } from "./cache.js";
import { downloadBlob } from "./download.js";
import { chooseModelFiles, findIndex, isSafeRelativePath, shardNames } from "./files.js";
import type { HubClient } from "./http.js";
import { httpUrl } from "./reply.js";
import { hubSettings } from "./settings.js";

/** Progress of a pull, reported as bytes reach the disk. */
export interface PullProgress {
  /** Repo-relative name of the file being downloaded. */
  file: string;
  /** Bytes of `file` on disk, resumed bytes included. */
  fileBytes: number;
  fileTotal: number;
  /** Bytes on disk over every file of this batch. */
  bytes: number;
  /** Size of every file of this batch; a sharded checkpoint's index comes alone first, then the rest. */
  total: number;
}

/** Options of {@link pullModel}; each one overrides the environment variable named. */
export interface PullOptions {
  /** Branch, tag or commit; default `main`. */
  revision?: string;
  /** Hub cache root; default from `HF_HUB_CACHE` / `HF_HOME`. */
  cacheDir?: string;
  /** Hub URL; default `HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  /** Access token; default `HF_TOKEN` or the `huggingface-cli login` token file. */
  token?: string;
  /** Use the cache only; default `HF_HUB_OFFLINE`. */
  offline?: boolean;
  /** Milliseconds without an answer or data before a request fails; default 10000. */
  timeoutMs?: number;
  onProgress?: (event: PullProgress) => void;
  fetch?: typeof fetch;
  /** Environment to read the defaults from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What a pull produced. */
export interface PullResult {
  /** `snapshots/<commit>` folder holding the checkpoint files. */
  dir: string;
  commit: string;
  /** The checkpoint files, relative to `dir`. */
  files: string[];
  /** Bytes transferred over the network by this pull. */
  downloadedBytes: number;
  /** True when the hub was not asked (offline) or not reachable, and the cache answered. */
  fromCache: boolean;
}

/**
 * True for a hub repo id `org/name` as huggingface_hub accepts it.
 *
 * @example
 * isRepoId("MCG-NJU/videomae-base"); // true
 * isRepoId("./models/videomae"); // false
 */
export function isRepoId(value: string): boolean {
  const part = /^\w(?:[\w.-]*\w)?$/;
  const [org, name, ...rest] = value.split("/");
  return (
    rest.length === 0 &&
    name !== undefined &&
    part.test(org) &&
    part.test(name) &&
    !/--|\.\./.test(value) &&
    value.length <= 96
  );
}

/**
 * The checkpoint files among `names`, shards included, or what is missing.
 * `readIndex` returns the text of a sharded-weights index (fetching it first when pulling).
 */
async function checkpointFiles(
  names: string[],
  readIndex: (index: string) => Promise<string>,
  source: string,
): Promise<{ files: string[] } | { missing: string }> {
  const chosen = chooseModelFiles(names);
  if ("missing" in chosen) return chosen;
  const index = findIndex(chosen.files);
  if (index === undefined) return chosen;
  return { files: [...chosen.files, ...shardNames(await readIndex(index), `${index} of ${source}`)] };
}

/** Shard indexes are kilobytes; a larger one (its size is the hub's say) is refused before it fills the memory. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** The text of a shard index on disk, refused when larger than {@link MAX_INDEX_BYTES}. */
async function readIndex(path: string): Promise<string> {
  const { size } = await stat(path);
  if (size > MAX_INDEX_BYTES)
    throw new VidmaeError(
      "E_CHECKPOINT",
      `${path} is ${size} bytes; a shard index is at most ${MAX_INDEX_BYTES}`,
    );
  return readFile(path, "utf8");
}

/** The complete checkpoint of `revision` in the cache, or undefined when any file is missing. */
async function fromCache(cache: RepoCache, repo: string, revision: string): Promise<PullResult | undefined> {
  const commit = COMMIT_PATTERN.test(revision) ? revision : await cache.readRef(revision);
  if (commit === undefined) return undefined;
  const dir = cache.snapshotDir(commit);
  const names = await readdir(dir).catch(() => []);
  const present = [];
  for (const name of names) if (await isFile(join(dir, name))) present.push(name);
  const found = await checkpointFiles(
    present,
    (index) => readIndex(join(dir, index)),
    `${repo} at revision ${revision}`,
  );
  if ("missing" in found) return undefined;
  for (const file of found.files) if (!(await isFile(join(dir, file)))) return undefined;
  return { dir, commit, files: found.files, downloadedBytes: 0, fromCache: true };
}

/** Everything one online pull shares. */
interface PullContext {
  client: HubClient;
  cache: RepoCache;
  repo: string;
  revision: string;
  commit: string;
  onProgress?: (event: PullProgress) => void;
}

/** Brings `names` into `snapshots/<commit>`: skips files already there, links blobs already there, downloads the rest. */
async function fetchFiles(ctx: PullContext, names: string[]): Promise<number> {
  const { client, cache, repo, revision, commit } = ctx;
  const dir = cache.snapshotDir(commit);
  const missing: Array<{ file: string; meta: FileMetadata }> = [];
  for (const file of names) {
    if (await isFile(join(dir, file))) continue;
    const meta = await fetchFileMetadata(client, { repo, revision, file }, commit);
    if (await isFile(cache.blobPath(meta.etag))) await cache.link(commit, file, meta.etag);
    else missing.push({ file, meta });
  }
  const total = missing.reduce((sum, { meta }) => sum + meta.size, 0);
  let finished = 0;
  let transferred = 0;
  for (const { file, meta } of missing) {
    transferred += await downloadBlob(client, {
      target: { repo, revision, file },
      meta,
      blobPath: cache.blobPath(meta.etag),
      onBytes: (fileBytes) =>
        ctx.onProgress?.({ file, fileBytes, fileTotal: meta.size, bytes: finished + fileBytes, total }),
    });
    finished += meta.size;
    await cache.link(commit, file, meta.etag);
  }
  return transferred;
}

/**
 * Brings a checkpoint (`config.json`, `preprocessor_config.json` if any, and one weights format with its shards)
 * into the hub cache and returns its snapshot folder. Offline, or when the hub is unreachable, the cache answers.
 *
 * @example
 * const { dir } = await pullModel("MCG-NJU/videomae-base", { onProgress: (e) => bar.update(e.bytes) });
 * // dir = ~/.cache/huggingface/hub/models--MCG-NJU--videomae-base/snapshots/<commit>
 */
export async function pullModel(repo: string, options: PullOptions = {}): Promise<PullResult> {
  if (!isRepoId(repo)) throw invalidParameterError("repo", "a Hugging Face repo id (org/name)", repo);
  const revision = options.revision ?? "main";
  if (!isSafeRelativePath(revision))
    throw invalidParameterError("revision", "a branch, tag or commit", revision);
  const env = hubSettings(options.env ?? process.env);
  const cacheDir = options.cacheDir ?? env.cacheDir;
  const cache = new RepoCache(cacheDir, repo);

  if (options.offline ?? env.offline) {
    const cached = await fromCache(cache, repo, revision);
    if (cached) return cached;
    const flag = revision === "main" ? "" : ` --revision ${revision}`;
    throw new VidmaeError(
      "E_HUB_OFFLINE",
      `${repo} at revision ${revision} is not in the Hugging Face cache ${cacheDir}, and offline mode (HF_HUB_OFFLINE) forbids downloading it. Run \`npx vidmae pull ${repo}${flag}\` while online.`,
    );
  }

  const endpoint = (options.endpoint ?? env.endpoint).replace(/\/+$/, "");
  if (httpUrl(endpoint) === undefined)
    throw invalidParameterError(
      options.endpoint === undefined ? "HF_ENDPOINT" : "endpoint",
      "an http(s) URL",
      endpoint,
    );
  const client: HubClient = {
    endpoint,
    token: options.token ?? env.token,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
  let listing;
  try {
    listing = await fetchListing(client, repo, revision);
  } catch (error) {
    if (!(error instanceof VidmaeError && error.code === "E_HUB_NETWORK")) throw error;
    const cached = await fromCache(cache, repo, revision);
    if (cached) return cached;
    throw new VidmaeError("E_HUB_NETWORK", `${error.message} It is not in the cache ${cacheDir} either.`, {
      cause: error.cause,
    });
  }
  const { commit } = listing;
  await cache.writeRef(revision, commit);
  const ctx: PullContext = { client, cache, repo, revision, commit, onProgress: options.onProgress };
  const dir = cache.snapshotDir(commit);
  let downloadedBytes = 0;
  const found = await checkpointFiles(
    listing.files,
    async (index) => {
      downloadedBytes += await fetchFiles(ctx, [index]); // the index names the shards to fetch next
      return readIndex(join(dir, index));
    },
    `${repo} at revision ${revision}`,
  );
  if ("missing" in found) {
    throw new VidmaeError(
      "E_HUB_NOT_FOUND",
      `${repo} at revision ${revision} on ${client.endpoint} has no ${found.missing}, so it is not a model checkpoint.`,
    );
  }
  downloadedBytes += await fetchFiles(ctx, found.files);
  return { dir, commit, files: found.files, downloadedBytes, fromCache: false };
}
