/** The web page: `/` and its stylesheet and script, open without the API key (the page asks for it). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServerContext } from "../context.js";
import { PAGE_HTML } from "../page/html.js";
import { PAGE_SCRIPT } from "../page/script.js";
import { PAGE_CSS } from "../page/style.js";

/** Only our own script, style and API; thumbnails arrive as blob: URLs, videos play from this server. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self'; " +
  "connect-src 'self'; " +
  "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Registers `/`, `/page.css` and `/page.js`.
 *
 * @example
 * registerPage(app, ctx); // then open http://127.0.0.1:8080/
 */
export function registerPage(app: FastifyInstance, ctx: ServerContext): void {
  const files: [string, string, string, string][] = [
    ["/", "The web page", "text/html; charset=utf-8", PAGE_HTML],
    ["/page.css", "The page's stylesheet", "text/css; charset=utf-8", PAGE_CSS],
    ["/page.js", "The page's script", "text/javascript; charset=utf-8", PAGE_SCRIPT],
  ];
  for (const [url, summary, type, body] of files)
    ctx.routes.add(app, {
      method: "GET",
      url,
      summary,
      // The page reads its own query (`/?limit=50`); the server ignores it.
      query: z.looseObject({}),
      response: { mediaType: type.split(";")[0] },
      errors: [],
      open: true,
      handler: async ({ reply }) => reply.type(type).header("content-security-policy", CSP).send(body),
    });
}
