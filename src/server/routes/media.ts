/**
 * `GET /v1/videos/:id/file`: a stored video's bytes, with HTTP Range requests so a browser's `<video>` can seek.
 * A `<video src>` cannot send `Authorization`, so with an API key the page plays a signed URL instead: the token is
 * an HMAC of the video id and an expiry under the key, and lets through this one route for that one video.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerContext } from "../context.js";
import { HttpError } from "../http-errors.js";
import { mediaQuerySchema, videoIdParamsSchema } from "../schemas.js";

/** The route's URL, as registered (what `request.routeOptions.url` says). */
const FILE_ROUTE = "/v1/videos/:id/file";

/** How long a signed URL plays: long enough to watch, short enough that a leaked one soon stops working. */
const TOKEN_LIFETIME_SEC = 3600;

/** Media types by extension; browsers sniff the rest. */
const MEDIA_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".mkv": "video/x-matroska",
  ".avi": "video/x-msvideo",
  ".ogv": "video/ogg",
};

function signature(apiKey: string, id: number, expires: number): Buffer {
  return createHmac("sha256", apiKey).update(`vidmae-media:${id}:${expires}`).digest();
}

/**
 * The URL a browser plays video `id` from: plain without an API key, signed (valid an hour) with one.
 *
 * @example
 * mediaUrl(null, 3); // "/v1/videos/3/file"
 * mediaUrl("s3cret", 3, 0); // "/v1/videos/3/file?token=3600.Xq…"
 */
export function mediaUrl(apiKey: string | null, id: number, nowSec = Math.floor(Date.now() / 1000)): string {
  const url = FILE_ROUTE.replace(":id", String(id));
  if (apiKey === null) return url;
  const expires = nowSec + TOKEN_LIFETIME_SEC;
  return `${url}?token=${expires}.${signature(apiKey, id, expires).toString("base64url")}`;
}

/**
 * A check for the auth hook: whether `request` is for the file route with a valid, unexpired token for its id
 * (then the API key is not needed).
 *
 * @example
 * const signed = signedMediaRequest("s3cret");
 * app.addHook("onRequest", async (request) => { if (!signed(request)) await bearer(request); });
 */
export function signedMediaRequest(apiKey: string | null): (request: FastifyRequest) => boolean {
  return (request) => {
    if (apiKey === null || request.routeOptions.url !== FILE_ROUTE) return false;
    const token = (request.query as { token?: unknown }).token;
    const id = Number((request.params as { id?: unknown }).id);
    const match = typeof token === "string" ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
    if (!match || !Number.isSafeInteger(id)) return false;
    const expires = Number(match[1]);
    if (expires < Date.now() / 1000) return false;
    // Compared as text: base64 decoding ignores a last character's low bits, so bytes would accept variants.
    const expected = Buffer.from(signature(apiKey, id, expires).toString("base64url"));
    return timingSafeEqual(Buffer.from(match[2]), expected);
  };
}

/**
 * The byte range a `Range` header asks of a file of `size` bytes: null to send the whole file (no header, another
 * unit, or several ranges, which a server may ignore), `"unsatisfiable"` for a range past the end (416).
 *
 * @example
 * byteRange("bytes=0-99", 1000); // { start: 0, end: 99 }
 * byteRange("bytes=-100", 1000); // { start: 900, end: 999 }
 * byteRange("bytes=2000-", 1000); // "unsatisfiable"
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return "unsatisfiable";
  // A last byte before the first is a syntactically invalid range: ignored (RFC 9110 14.1.1).
  if (end < start) return null;
  return { start, end };
}

/**
 * Registers `GET /v1/videos/:id/file` (and its HEAD).
 *
 * @example
 * // curl -H 'Authorization: Bearer KEY' -r 0-1023 http://127.0.0.1:8080/v1/videos/3/file -o head.bin
 * registerMedia(app, ctx);
 */
export function registerMedia(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add(app, {
    method: "GET",
    url: FILE_ROUTE,
    summary: "A stored video's file",
    description:
      "The video's bytes, with `Range: bytes=…` requests answered 206 so players can seek. With an API key, " +
      "either the key or the `token` of the video's `mediaUrl` (see `GET /v1/videos/:id`, valid an hour).",
    params: videoIdParamsSchema,
    query: mediaQuerySchema,
    response: { mediaType: "video/*" },
    errors: [400, 401, 404, 416],
    handler: async ({ params, request, reply }) => {
      const video = await ctx.collection.video(params.id);
      const size = await stat(video.path).then(
        (s) => (s.isFile() ? s.size : -1),
        () => -1,
      );
      if (size < 0) throw new HttpError(404, "E_NOT_FOUND", `The file of video ${params.id} cannot be read`);
      reply
        .type(MEDIA_TYPES[extname(video.path).toLowerCase()] ?? "application/octet-stream")
        .header("accept-ranges", "bytes")
        .header("cache-control", "private, max-age=3600");
      const range = byteRange(request.headers.range, size);
      if (range === "unsatisfiable")
        throw new HttpError(416, "E_RANGE_NOT_SATISFIABLE", `The range is outside the file's ${size} bytes`, {
          "content-range": `bytes */${size}`,
        });
      if (range === null) return reply.header("content-length", size).send(createReadStream(video.path));
      return reply
        .status(206)
        .header("content-range", `bytes ${range.start}-${range.end}/${size}`)
        .header("content-length", range.end - range.start + 1)
        .send(createReadStream(video.path, range));
    },
  });
}
