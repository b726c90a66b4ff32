/**
 * `/docs`: interactive API documentation — Swagger UI (npm `swagger-ui-dist`, served from node_modules) over the
 * OpenAPI 3.1 document at `/docs/openapi.json` (also `/openapi.json`). The document is generated from the same zod
 * schemas that parse the requests (zod 4's `toJSONSchema`), so it cannot drift from what the server accepts. Both
 * are open without the API key: they describe the API, and Swagger UI's "Authorize" takes the key for "Try it out".
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServerContext } from "../context.js";

/** Swagger UI's files the page uses, with their types. */
const ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
} as const;

const assetParamsSchema = z.strictObject({
  file: z.enum(Object.keys(ASSETS) as [keyof typeof ASSETS], {
    error: `one of: ${Object.keys(ASSETS).join(", ")}`,
  }),
});

/**
 * Swagger UI's scripts and styles only from here; its React views set inline styles, and its schema previews use
 * data: images. "Try it out" calls this server only.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidmae API</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<script src="/docs/swagger-ui-bundle.js" defer></script>
<script src="/docs/init.js" defer></script>
</head>
<body>
<p style="margin: 1rem 2rem 0; font-family: system-ui, sans-serif"><a href="/">Back to the page</a></p>
<main id="swagger-ui"></main>
</body>
</html>
`;

/** Starts Swagger UI on the document; a key the page was given (same origin) authorizes "Try it out". */
const INIT_SCRIPT = `"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/docs/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () {
      var key = sessionStorage.getItem("vidmae-key");
      if (key) window.ui.preauthorizeApiKey("bearer", key);
    },
  });
});
`;

/** The folder of the installed swagger-ui-dist. */
function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

/**
 * Registers `/docs`, its assets, and the OpenAPI document at `/docs/openapi.json` and `/openapi.json`; the
 * document is made at the first request, when every route is registered.
 *
 * @example
 * // curl http://127.0.0.1:8080/docs/openapi.json | jq '.paths | keys'
 * registerDocs(app, ctx); // then open http://127.0.0.1:8080/docs
 */
export function registerDocs(app: FastifyInstance, ctx: ServerContext): void {
  let document: object | undefined;
  for (const url of ["/docs/openapi.json", "/openapi.json"])
    ctx.routes.add(app, {
      method: "GET",
      url,
      summary: "This OpenAPI document",
      response: { mediaType: "application/json" },
      errors: [],
      open: true,
      handler: async () => (document ??= ctx.routes.openApi()),
    });
  const pages: [string, string, string, string][] = [
    ["/docs", "Interactive API documentation (Swagger UI)", "text/html; charset=utf-8", DOCS_HTML],
    ["/docs/init.js", "The documentation page's script", "text/javascript; charset=utf-8", INIT_SCRIPT],
  ];
  for (const [url, summary, type, body] of pages)
    ctx.routes.add(app, {
      method: "GET",
      url,
      summary,
      response: { mediaType: type.split(";")[0] },
      errors: [],
      open: true,
      handler: async ({ reply }) => reply.type(type).header("content-security-policy", CSP).send(body),
    });
  // Read once, at first use: the bundle is 1.7 MB, and most servers never serve it.
  const assets = new Map<string, Promise<Buffer>>();
  ctx.routes.add(app, {
    method: "GET",
    url: "/docs/:file",
    summary: "Swagger UI's files",
    params: assetParamsSchema,
    response: { mediaType: "application/octet-stream" },
    errors: [400],
    open: true,
    handler: async ({ params, reply }) => {
      let body = assets.get(params.file);
      if (!body) {
        body = readFile(join(swaggerUiDir(), params.file));
        assets.set(params.file, body);
        body.catch(() => assets.delete(params.file));
      }
      return reply
        .type(ASSETS[params.file])
        .header("cache-control", "public, max-age=86400")
        .header("content-security-policy", CSP)
        .send(await body);
    },
  });
}
