/**
 * Requests to the hub: the bearer token, redirects followed by hand (so the token never reaches another host and
 * the hub's own headers on an LFS redirect stay readable), a stall timeout, and hub answers turned into VidmaeErrors.
 */
import { VidmaeError } from "../../errors.js";

/** How to reach the hub; shared by every request of one pull. */
export interface HubClient {
  /** Hub base URL without a trailing slash, e.g. `https://huggingface.co`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <token>` to the endpoint's host only. */
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
 * One hub request: follows redirects (dropping the token once the host changes) and throws a VidmaeError for a
 * failed connection or an error status. Returns the final response and the URL it came from.
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
  let current = url;
  let sendToken = Boolean(client.token);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { "accept-encoding": "identity", ...init.headers };
    if (sendToken) headers.authorization = `Bearer ${client.token}`;
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
    const location =
      response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    if (location === null || init.keepRedirect?.(response)) {
      if (response.ok || location !== null) return { response, url: current };
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
    const next = new URL(location, current);
    if (next.origin !== current.origin) sendToken = false; // a CDN must never see the hub token
    current = next;
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
