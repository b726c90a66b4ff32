/**
 * A fake Hugging Face hub on 127.0.0.1 for tests: the repo listing API, resolve URLs with the hub's headers, LFS
 * files redirected to a CDN (on the same host by a relative URL, or on another host), Range requests, private and
 * gated repos, and injected faults (a connection cut mid-body, a stalled body, an error status, a body far longer than
 * announced, hostile headers, a hostile model info reply).
 */
import { createHash } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** One repo: refs (branches, tags) pointing to commits, and each commit's files. */
export interface FakeRepo {
  /** "private": 401 without the valid token; "gated": 401 without a token, 403 with a wrong one. Default public. */
  access?: "public" | "private" | "gated";
  /** Branch or tag name → 40-hex commit. */
  refs: Record<string, string>;
  /** Commit → file name → content. Names ending in `.safetensors` or `.bin` are LFS files. */
  commits: Record<string, Record<string, string | Uint8Array>>;
  /** Sent as the model info reply instead of the one made from `refs` and `commits` (a malformed or hostile one). */
  info?: string;
}

/**
 * A fault applied to the next `times` (default 1) body GETs of `file` (on the hub or the CDN); a `headers` fault
 * applies instead to the next resolve replies (HEAD or GET) of `file` on the hub, setting or replacing headers.
 * `oversize` sends `bytes` bytes (chunked, no Content-Length) whatever the file's size.
 */
export type FakeFault =
  | { file: string; kind: "drop"; afterBytes: number; times?: number }
  | { file: string; kind: "stall"; times?: number }
  | { file: string; kind: "status"; status: number; times?: number }
  | { file: string; kind: "oversize"; bytes: number; times?: number }
  | { file: string; kind: "headers"; headers: Record<string, string>; times?: number };

/** A request the fake hub received. */
export interface FakeRequest {
  server: "hub" | "cdn";
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
}

/** Options of {@link startFakeHub}. */
export interface FakeHubOptions {
  /** The token private and gated repos accept; default {@link FAKE_TOKEN}. */
  token?: string;
  /** Where LFS redirects point: a relative `/cdn/...` URL on the hub (default) or an absolute URL on a second server. */
  cdn?: "relative" | "other-host";
}

/** A running fake hub. */
export interface FakeHub {
  /** Base URL, to pass as the endpoint. */
  url: string;
  /** Every request received, in order; clear it with `requests.length = 0`. */
  requests: FakeRequest[];
  /** Pending faults; push more at any time. */
  faults: FakeFault[];
  close(): Promise<void>;
}

/** The token a private or gated fake repo accepts unless told otherwise. */
export const FAKE_TOKEN = "hf_fake_valid_token";

/** Deterministic 40-hex commit id for test repos. */
export function fakeCommit(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

/** The hub's etag of a non-LFS file: its git blob id. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** The hub's etag of an LFS file: its sha256. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const isLfs = (file: string): boolean => /\.(safetensors|bin)$/.test(file);

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? Buffer.from(content) : content;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections(); // stalled bodies would keep close() waiting forever
  return new Promise((resolve) => server.close(() => resolve()));
}

function hubError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, {
    "x-error-code": code,
    "x-error-message": message,
    "content-type": "application/json",
  });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Starts a fake hub (and, with `cdn: "other-host"`, a fake CDN) on 127.0.0.1 with free ports.
 *
 * @example
 * const commit = fakeCommit("v1");
 * const hub = await startFakeHub({ "org/name": { refs: { main: commit }, commits: { [commit]: { "config.json": "{}" } } } });
 * await pullModel("org/name", { endpoint: hub.url, cacheDir, env: {} });
 * await hub.close();
 */
export async function startFakeHub(
  repos: Record<string, FakeRepo>,
  options: FakeHubOptions = {},
): Promise<FakeHub> {
  const token = options.token ?? FAKE_TOKEN;
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  const blobs = new Map<string, Uint8Array>(); // sha256 → LFS content, for the CDN

  /**
   * The first pending fault for `file` (a `headers` fault for a resolve reply, any other for a body GET), used up
   * once its `times` run out.
   */
  function takeFault(req: IncomingMessage, file: string, headers = false): FakeFault | undefined {
    const applies = (f: FakeFault): boolean =>
      f.file === file && (headers ? f.kind === "headers" : f.kind !== "headers" && req.method === "GET");
    const fault = faults.find(applies);
    if (fault === undefined) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
    return fault;
  }

  /** Sends `bytes` honouring `Range: bytes=N-` and the pending fault for `file`, if any. */
  function sendBody(
    req: IncomingMessage,
    res: ServerResponse,
    file: string,
    bytes: Uint8Array,
    headers: Record<string, string>,
  ): void {
    const fault = takeFault(req, file);
    if (fault?.kind === "status") return hubError(res, fault.status, "Fault", `injected ${fault.status}`);
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
    if (start > 0 && start >= bytes.byteLength) {
      res.writeHead(416, { "content-range": `bytes */${bytes.byteLength}` });
      return void res.end();
    }
    if (fault?.kind === "oversize") return sendJunk(res, fault.bytes, headers);
    const body = bytes.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      ...headers,
      "accept-ranges": "bytes",
      "content-length": String(body.byteLength),
      ...(start > 0 ? { "content-range": `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}` } : {}),
    });
    if (req.method === "HEAD") return void res.end();
    if (fault?.kind === "stall") return void res.flushHeaders();
    if (fault?.kind === "drop") {
      // The pause lets the client read the bytes: a fetch body stream that errors drops the chunks still queued.
      res.write(body.subarray(0, fault.afterBytes), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.end(body);
  }

  /** Sends `bytes` bytes of junk without a Content-Length, minding backpressure, until done or cut off. */
  function sendJunk(res: ServerResponse, bytes: number, headers: Record<string, string>): void {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let left = bytes;
    res.writeHead(200, headers);
    const more = (): void => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, chunk.byteLength);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) return void res.once("drain", more);
      }
      res.end();
    };
    more();
  }

  /** Serves `/cdn/<sha256>/<file>`. */
  function serveCdn(req: IncomingMessage, res: ServerResponse, path: string): void {
    const [sha, ...rest] = path.slice("/cdn/".length).split("/");
    const bytes = blobs.get(sha);
    if (bytes === undefined) return hubError(res, 404, "NotFound", "no such blob");
    sendBody(req, res, decodeURIComponent(rest.join("/")), bytes, { etag: `"${sha}"` });
  }

  /** 401/403 as the hub answers for a private or gated repo, or undefined when access is granted. */
  function denied(repo: FakeRepo, req: IncomingMessage): [number, string] | undefined {
    const auth = req.headers.authorization;
    if ((repo.access ?? "public") === "public" || auth === `Bearer ${token}`) return undefined;
    if (repo.access === "private") return [401, "RepoNotFound"];
    return auth === undefined ? [401, "GatedRepo"] : [403, "GatedRepo"];
  }

  let cdnBase = "";
  const hub = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({ server: "hub", method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    if (url.pathname.startsWith("/cdn/")) return serveCdn(req, res, url.pathname);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const match = api ?? resolve;
    if (match === null) return hubError(res, 404, "NotFound", `no route ${url.pathname}`);
    const repoId = match[1];
    const repo = repos[repoId];
    if (repo === undefined) return hubError(res, 404, "RepoNotFound", "Repository not found");
    const refusal = denied(repo, req);
    if (refusal) return hubError(res, refusal[0], refusal[1], `Access to ${repoId} is restricted`);
    const revision = decodeURIComponent(match[2]);
    const commit = repo.commits[revision] ? revision : repo.refs[revision];
    const files = commit === undefined ? undefined : repo.commits[commit];
    if (commit === undefined || files === undefined)
      return hubError(res, 404, "RevisionNotFound", `Invalid rev id: ${revision}`);
    if (api) {
      res.writeHead(200, { "content-type": "application/json" });
      if (repo.info !== undefined) return void res.end(repo.info);
      return void res.end(
        JSON.stringify({
          id: repoId,
          sha: commit,
          siblings: Object.keys(files).map((rfilename) => ({ rfilename })),
        }),
      );
    }
    const file = match[3].split("/").map(decodeURIComponent).join("/");
    const content = files[file];
    if (content === undefined) return hubError(res, 404, "EntryNotFound", "Entry not found");
    const bytes = toBytes(content);
    const fault = takeFault(req, file, true);
    const hostile = fault?.kind === "headers" ? fault.headers : {};
    if (!isLfs(file)) {
      const headers = { etag: `"${gitBlobId(bytes)}"`, "x-repo-commit": commit, ...hostile };
      return sendBody(req, res, file, bytes, headers);
    }
    const sha = sha256(bytes);
    blobs.set(sha, bytes);
    res.writeHead(302, {
      location: `${cdnBase}/cdn/${sha}/${encodeURIComponent(file)}`,
      etag: `"${sha}"`,
      "x-linked-etag": `"${sha}"`,
      "x-linked-size": String(bytes.byteLength),
      "x-repo-commit": commit,
      ...hostile,
    });
    res.end();
  });
  const url = await listen(hub);

  let cdn: Server | undefined;
  if (options.cdn === "other-host") {
    cdn = createServer((req, res) => {
      requests.push({ server: "cdn", method: req.method ?? "", path: req.url ?? "", headers: req.headers });
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      if (path.startsWith("/cdn/")) serveCdn(req, res, path);
      else hubError(res, 404, "NotFound", "no route");
    });
    cdnBase = await listen(cdn);
  }

  return {
    url,
    requests,
    faults,
    close: async () => {
      await Promise.all([close(hub), ...(cdn ? [close(cdn)] : [])]);
    },
  };
}
