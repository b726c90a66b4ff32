/**
 * The optional API key: with one configured, every route not declared `open` (all but the page and `/healthz`)
 * needs `Authorization: Bearer KEY` (`Bearer` in any case, spaces around the key ignored). Keys are compared as
 * SHA-256 digests with `timingSafeEqual`, so neither the key's content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { HttpError } from "./http-errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Reachable without the API key. */
    open?: boolean;
  }
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * An `onRequest` hook that refuses requests without the right key (401 `E_UNAUTHORIZED`, with
 * `WWW-Authenticate: Bearer`); with no key configured it lets everything through.
 *
 * @example
 * app.addHook("onRequest", bearerAuth(process.env.VIDMAE_API_KEY ?? null));
 */
export function bearerAuth(apiKey: string | null): (request: FastifyRequest) => Promise<void> {
  const expected = apiKey === null ? null : digest(apiKey);
  return async (request) => {
    if (expected === null || request.routeOptions.config?.open) return;
    // RFC 7235: the scheme is case-insensitive and is followed by one or more spaces.
    const match = /^[ \t]*bearer[ \t]+(.*?)[ \t]*$/i.exec(request.headers.authorization ?? "");
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) return;
    throw new HttpError(
      401,
      "E_UNAUTHORIZED",
      match?.[1] ? "Wrong API key" : "This server needs an API key: send Authorization: Bearer KEY",
      { "www-authenticate": 'Bearer realm="vidmae"' },
    );
  };
}
