/**
 * Requests to the hub: the bearer token, redirects followed by hand (so the token never leaves the hub's origin and
 * the hub's own headers on an LFS redirect stay readable), a stall timeout, a bounded body, and hub answers turned
 * into VidmaeErrors.
 */
import { VidmaeError } from "../../errors.js";
import { readHeader, redirectRule } from "./reply.js";

/** How to reach the hub; shared by every request of one pull. */
export interface HubClient {
  /** Hub base URL without a trailing slash, e.g. `https://huggingface.co`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <token>` to the endpoint's origin (scheme, host and port) only. */
  token?: string;
  fetch: typeof fetch;
  /** Milliseconds without an answer or body data before a request is given up. */
  timeoutMs: number;
}

/** What a request is for; every error message names it. */
export interface HubTarget {
  repo: string;
  /** The revision the user asked for (a branch, tag or commit). */
  revision: string;
  file?: string;
}

/** Options of {@link hubRequest}. */
export interface HubRequestInit {
  method: "GET" | "HEAD";
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Returns true for a redirect that should be handed back instead of followed. */
  keepRedirect?: (response: Response) => boolean;
}

const MAX_REDIRECTS = 10;

/** "config.json of org/name at revision main", or "org/name at revision main". */
export function describeTarget({ repo, revision, file }: HubTarget): string {
  return `${file === undefined ? "" : `${file} of `}${repo} at revision ${revision}`;
}

/**
 * What a reply answers, for {@link replyError}: "model info of org/name at revision main" for the listing,
 * "config.json of org/name at revision main" for a file.
 */
export function replySubject(target: HubTarget): string {
  return target.file === undefined ? `model info of ${describeTarget(target)}` : describeTarget(target);
}

/** The most telling text of a fetch failure: undici hides `connect ECONNREFUSED ...` in `cause`. */
function networkDetail(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(inner instanceof Error)) return String(inner);
  return inner.message || (inner as NodeJS.ErrnoException).code || inner.name;
}

/**
 * E_HUB_NETWORK for a request that got no (complete) answer, naming the endpoint, with the native error as `cause`.
 *
 * @example
 * networkError(client, { repo: "org/name", revision: "main" }, new TypeError("fetch failed"));
 * // "Cannot reach the Hugging Face hub at https://huggingface.co (fetch failed) to fetch org/name at revision main. ..."
 */
export function networkError(client: HubClient, target: HubTarget, error: unknown): VidmaeError {
  return new VidmaeError(
    "E_HUB_NETWORK",
    `Cannot reach the Hugging Face hub at ${client.endpoint} (${networkDetail(error)}) to fetch ${describeTarget(target)}. Check the network connection and HF_ENDPOINT.`,
    { cause: error },
  );
}

/** The error for a hub answer that is neither a success nor a redirect. */
function statusError(client: HubClient, target: HubTarget, response: Response): VidmaeError {
  const { endpoint } = client;
  const { repo, revision, file } = target;
  if (response.status === 401 || response.status === 403) {
    const tokenState = client.token
      ? "the token given does not grant access. Check that HF_TOKEN has read access to it"
      : "no token was given. Set HF_TOKEN to a token with read access";
    return new VidmaeError(
      "E_HUB_AUTH",
      `Cannot access ${repo} on ${endpoint} (HTTP ${response.status}): the repository is gated or private (or does not exist) and ${tokenState}; for a gated model, also accept its licence on ${endpoint}/${repo}.`,
    );
  }
  if (response.status === 404) {
    const code =
      response.headers.get("x-error-code") ?? (file === undefined ? "RepoNotFound" : "EntryNotFound");
    const message =
      code === "RevisionNotFound"
        ? `Revision ${revision} not found in ${repo} on ${endpoint}.`
        : code === "EntryNotFound"
          ? `File ${file} not found in ${repo} at revision ${revision} on ${endpoint}.`
          : `Repository ${repo} not found on ${endpoint}.`;
    return new VidmaeError("E_HUB_NOT_FOUND", message);
  }
  return new VidmaeError(
    "E_HUB_NETWORK",
    `The Hugging Face hub at ${endpoint} answered HTTP ${response.status} to the request for ${describeTarget(target)}.`,
  );
}

/**
 * One hub request: follows redirects (each `Location` checked to be an http(s) URL) and throws a VidmaeError for
 * a failed connection or an error status. The token goes only to the endpoint's origin, as huggingface_hub sends
 * it: never to a CDN, whether redirected there or asked directly. Returns the final response and its URL.
 *
 * @example
 * const { response } = await hubRequest(client, { repo: "org/name", revision: "main" }, new URL(url), {
 *   method: "GET", signal: AbortSignal.timeout(10_000),
 * });
 */
export async function hubRequest(
  client: HubClient,
  target: HubTarget,
  url: URL,
  init: HubRequestInit,
): Promise<{ response: Response; url: URL }> {
  const hubOrigin = new URL(client.endpoint).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { "accept-encoding": "identity", ...init.headers };
    if (client.token && current.origin === hubOrigin) headers.authorization = `Bearer ${client.token}`;
    let response: Response;
    try {
      response = await client.fetch(current, {
        method: init.method,
        headers,
        redirect: "manual",
        signal: init.signal,
      });
    } catch (error) {
      throw networkError(client, target, error);
    }
    const redirect = response.status >= 300 && response.status < 400 && response.headers.has("location");
    if (!redirect || init.keepRedirect?.(response)) {
      if (response.ok || redirect) return { response, url: current };
      await response.body?.cancel();
      throw statusError(client, target, response);
    }
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) {
      throw new VidmaeError(
        "E_HUB_NETWORK",
        `Too many redirects from ${client.endpoint} for ${describeTarget(target)}.`,
      );
    }
    current = readHeader(response.headers, "Location", redirectRule(current), replySubject(target));
  }
}

/**
 * The body's chunks, refused with `tooLong()` as soon as they pass `limit` bytes: the rest is never read (the
 * stream is cancelled) and no byte past the limit is handed on.
 *
 * @example
 * for await (const chunk of boundedBody(response, 1024, () => replyError(subject, "body: too long"))) write(chunk);
 */
export async function* boundedBody(
  response: Response,
  limit: number,
  tooLong: () => VidmaeError,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  for await (const chunk of response.body ?? []) {
    received += chunk.byteLength;
    if (received > limit) throw tooLong();
    yield chunk;
  }
}

/**
 * An abort signal that fires after `ms` milliseconds without {@link StallTimer.touch}: a dead connection fails
 * instead of hanging, while a slow but moving download never does.
 *
 * @example
 * const stall = new StallTimer(10_000);
 * try { for await (const chunk of body) { stall.touch(); ... } } finally { stall.clear(); }
 */
export class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.timer = this.arm();
  }

  /** Aborted once the timer runs out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Data arrived: start the wait again. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  /** The request is over. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(
      () => this.controller.abort(new Error(`timed out: no data for ${this.ms} ms`)),
      this.ms,
    );
  }
}
