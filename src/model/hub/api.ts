/**
 * The two hub metadata calls a pull makes: the repo listing at a revision, and the headers of one file's resolve URL
 * (etag, size, and where the bytes are).
 */
import { z } from "zod";
import { VidmaeError } from "../../errors.js";
import { COMMIT_PATTERN } from "./cache.js";
import { isSafeRelativePath } from "./files.js";
import {
  boundedBody,
  describeTarget,
  hubRequest,
  networkError,
  replySubject,
  StallTimer,
  type HubClient,
  type HubTarget,
} from "./http.js";
import { BYTE_SIZE, COMMIT, DIGEST, parseReply, readHeader, redirectRule, replyError } from "./reply.js";

/** A repo at one revision: the commit it points to and its file names. */
export interface RepoListing {
  commit: string;
  files: string[];
}

/** What the resolve URL says about one file. */
export interface FileMetadata {
  /** Blob name in the cache: the sha256 for LFS files, the git blob id otherwise. */
  etag: string;
  size: number;
  /** Where the bytes are: the CDN for LFS files, the resolve URL otherwise. */
  url: URL;
}

/** Model info is refused as soon as it passes this size: a listing of ten thousand files is well under 1 MiB. */
export const MAX_INFO_BYTES = 32 * 1024 * 1024;

const text = z.string({ error: "expected a string" });
/** Every file name becomes a path under `snapshots/<commit>/`, so each one is checked, not only those fetched. */
const listingSchema = z.object(
  {
    sha: text.regex(COMMIT_PATTERN, { error: `expected ${COMMIT.expected}` }),
    siblings: z.array(
      z.object(
        { rfilename: text.refine(isSafeRelativePath, { error: "expected a relative path inside the repo" }) },
        { error: "expected an object" },
      ),
      { error: "expected an array" },
    ),
  },
  { error: "expected an object" },
);

/** The whole body as text, at most `limit` bytes, touching `stall` as data arrives. */
async function readText(
  client: HubClient,
  target: HubTarget,
  response: Response,
  limit: number,
  stall: StallTimer,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  const tooLong = (): VidmaeError => replyError(replySubject(target), `body: more than ${limit} bytes`);
  try {
    for await (const chunk of boundedBody(response, limit, tooLong)) {
      stall.touch();
      chunks.push(chunk);
    }
  } catch (error) {
    throw error instanceof VidmaeError ? error : networkError(client, target, error);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `GET {endpoint}/api/models/{repo}/revision/{revision}`: the commit and file names of a revision.
 *
 * @throws VidmaeError `E_HUB_REPLY` when the reply is not JSON, not a listing, or names an unsafe file
 * @example
 * await fetchListing(client, "MCG-NJU/videomae-base", "main"); // { commit: "1f0c...", files: ["config.json", ...] }
 */
export async function fetchListing(client: HubClient, repo: string, revision: string): Promise<RepoListing> {
  const target = { repo, revision };
  const url = new URL(`${client.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`);
  const stall = new StallTimer(client.timeoutMs);
  let body: string;
  try {
    const { response } = await hubRequest(client, target, url, { method: "GET", signal: stall.signal });
    body = await readText(client, target, response, MAX_INFO_BYTES, stall);
  } finally {
    stall.clear();
  }
  const listing = parseReply(listingSchema, body, replySubject(target));
  return { commit: listing.sha, files: listing.siblings.map((sibling) => sibling.rfilename) };
}

/**
 * `HEAD {endpoint}/{repo}/resolve/{commit}/{file}`: the file's etag and size, read from the hub's own answer (for an
 * LFS file, the redirect carrying `X-Linked-Etag`/`X-Linked-Size`, whose `Location` is where the bytes are). Each
 * header is checked before it names a blob or a URL; an `X-Repo-Commit` must be the commit asked for.
 *
 * @throws VidmaeError `E_HUB_REPLY` naming the header that is missing or malformed
 * @example
 * await fetchFileMetadata(client, { repo: "org/name", revision: "main", file: "model.safetensors" }, commit);
 * // { etag: "<sha256>", size: 377000000, url: URL("https://cdn.../...") }
 */
export async function fetchFileMetadata(
  client: HubClient,
  target: Required<HubTarget>,
  commit: string,
): Promise<FileMetadata> {
  const path = target.file.split("/").map(encodeURIComponent).join("/");
  const resolveUrl = new URL(`${client.endpoint}/${target.repo}/resolve/${commit}/${path}`);
  const stall = new StallTimer(client.timeoutMs);
  try {
    const { response, url } = await hubRequest(client, target, resolveUrl, {
      method: "HEAD",
      signal: stall.signal,
      keepRedirect: (r) => r.headers.has("x-linked-etag"),
    });
    const { headers } = response;
    const subject = describeTarget(target);
    const header = (linked: string, plain: string): string => (headers.has(linked) ? linked : plain);
    const etag = readHeader(headers, header("X-Linked-Etag", "ETag"), DIGEST, subject);
    const size = readHeader(headers, header("X-Linked-Size", "Content-Length"), BYTE_SIZE, subject);
    if (headers.has("X-Repo-Commit") && readHeader(headers, "X-Repo-Commit", COMMIT, subject) !== commit)
      throw replyError(subject, `X-Repo-Commit: expected the commit asked for, ${commit}`);
    const bytesAt = headers.has("Location")
      ? readHeader(headers, "Location", redirectRule(url), subject)
      : url;
    return { etag, size, url: bytesAt };
  } finally {
    stall.clear();
  }
}
