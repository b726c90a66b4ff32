/**
 * The two hub metadata calls a pull makes: the repo listing at a revision, and the headers of one file's resolve URL
 * (etag, size, and where the bytes are).
 */
import { z } from "zod";
import { VidmaeError } from "../../errors.js";
import {
  describeTarget,
  hubRequest,
  networkError,
  StallTimer,
  type HubClient,
  type HubTarget,
} from "./http.js";

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

const listingSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(z.object({ rfilename: z.string() })),
});

/** An answer the hub should never give. */
function unexpectedAnswer(client: HubClient, target: HubTarget, detail: string): VidmaeError {
  return new VidmaeError(
    "E_HUB_NETWORK",
    `The Hugging Face hub at ${client.endpoint} sent an unexpected answer for ${describeTarget(target)}: ${detail}`,
  );
}

/**
 * `GET {endpoint}/api/models/{repo}/revision/{revision}`: the commit and file names of a revision.
 *
 * @example
 * await fetchListing(client, "MCG-NJU/videomae-base", "main"); // { commit: "1f0c...", files: ["config.json", ...] }
 */
export async function fetchListing(client: HubClient, repo: string, revision: string): Promise<RepoListing> {
  const target = { repo, revision };
  const url = new URL(`${client.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`);
  const stall = new StallTimer(client.timeoutMs);
  let text: string;
  try {
    const { response } = await hubRequest(client, target, url, { method: "GET", signal: stall.signal });
    text = await response.text().catch((error: unknown) => {
      throw networkError(client, target, error);
    });
  } finally {
    stall.clear();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw unexpectedAnswer(client, target, (error as Error).message);
  }
  const parsed = listingSchema.safeParse(body);
  if (!parsed.success) throw unexpectedAnswer(client, target, z.prettifyError(parsed.error));
  return { commit: parsed.data.sha, files: parsed.data.siblings.map((sibling) => sibling.rfilename) };
}

/** `W/"abc"` or `"abc"` → `abc`, as huggingface_hub names blobs. */
function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/^"|"$/g, "");
}

/**
 * `HEAD {endpoint}/{repo}/resolve/{commit}/{file}`: the file's etag and size, read from the hub's own answer (for an
 * LFS file, the redirect carrying `X-Linked-Etag`/`X-Linked-Size`, whose `Location` is where the bytes are).
 *
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
    const headers = response.headers;
    const etag = normalizeEtag(headers.get("x-linked-etag") ?? headers.get("etag") ?? "");
    const size = Number(headers.get("x-linked-size") ?? headers.get("content-length") ?? NaN);
    if (etag === "" || !Number.isSafeInteger(size))
      throw unexpectedAnswer(client, target, "no ETag or size header");
    const location = headers.get("location");
    return { etag, size, url: location === null ? url : new URL(location, url) };
  } finally {
    stall.clear();
  }
}
