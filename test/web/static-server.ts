/**
 * A static file server for the browser tests: the built bundle under `/web/`, test fixtures under `/fixtures/`,
 * virtual folders mapped onto fixture files, and a test page; COOP/COEP headers so the page is cross-origin
 * isolated (onnxruntime-web threads need SharedArrayBuffer).
 */
import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, isAbsolute, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".html": "text/html",
  ".map": "application/json",
};

/**
 * The test page: loads the bundle as a module, exposes it as `window.vidmae`, and `window.runModel` (plain
 * JavaScript here, as functions passed to `page.evaluate` would carry the test transpiler's helpers): loads a
 * folder, runs forward when given pixels, and returns plain arrays, or `{ code, message }` for an error.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>vidmae web test</title>
<script type="module">
import * as vidmae from "/web/vidmae-web.js";
window.runModel = async (folder, pixels, dims) => {
  try {
    let cachedWeights = false;
    const onProgress = (p) => { if (p.file.endsWith("model.safetensors")) cachedWeights = p.cached; };
    const model = await vidmae.loadModel(folder, { backend: "wasm", onProgress });
    const out = pixels ? await model.forward(new Float32Array(pixels), dims) : {};
    await model.release();
    const arr = (a) => (a ? Array.from(a) : undefined);
    return {
      lastHiddenState: arr(out.lastHiddenState), meanPooled: arr(out.meanPooled), pooled: arr(out.pooled),
      logits: arr(out.logits), kind: model.kind, labels: model.labels, cachedWeights,
    };
  } catch (e) {
    return { code: e.code ?? "none", message: e.message };
  }
};
window.embedUrl = async (folder, videoUrl, name, options) => {
  try {
    const bytes = await (await fetch(videoUrl)).arrayBuffer();
    const model = await vidmae.loadModel(folder, { backend: "wasm" });
    const out = await model.embedVideo(new File([bytes], name), options);
    await model.release();
    return {
      vector: Array.from(out.vector), tooShort: out.tooShort,
      clips: out.clips.map((c) => ({ start: c.start, end: c.end, frameIndices: c.frameIndices, vector: Array.from(c.vector) })),
    };
  } catch (e) {
    return { code: e.code ?? "none", message: e.message };
  }
};
window.vidmae = vidmae;
</script>`;

/** A running test server. */
export interface StaticServer {
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @param virtual - extra paths (e.g. `/mixed/config.json`) answered with a file (relative to the repository root,
 *   or absolute)
 * @example
 * const s = await startStaticServer({ "/mixed/config.json": "test/fixtures/videomae/tiny-model/config.json" });
 */
export async function startStaticServer(virtual: Record<string, string> = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      return;
    }
    let file: string | null = virtual[path] ?? null;
    if (!file && path.startsWith("/web/")) file = join("dist", path);
    if (!file && path.startsWith("/fixtures/")) file = join("test", path);
    const full = file ? normalize(isAbsolute(file) ? file : join(ROOT, file)) : null;
    if (!full || (!full.startsWith(ROOT) && !(path in virtual))) {
      res.writeHead(404).end();
      return;
    }
    readFile(full).then(
      (bytes) =>
        res.writeHead(200, { "content-type": TYPES[extname(full)] ?? "application/octet-stream" }).end(bytes),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
