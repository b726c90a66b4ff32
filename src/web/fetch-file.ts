/**
 * Fetching one file of a model folder: HTTP errors as typed errors, the byte count checked against
 * Content-Length (a cut-off download is named, not parsed as a corrupt file), progress as bytes arrive, and the
 * Cache API so a second visit reads the weights locally.
 */
import { VidmaeError, wrapError } from "../errors.js";
import { type CacheLike, browserGlobals } from "./globals.js";

/** Name of the Cache API store holding model files. */
export const MODEL_CACHE = "vidmae-models";

/** Bytes received so far of one file (`total` null when the server sent no length). */
export interface FetchProgress {
  file: string;
  loaded: number;
  total: number | null;
  /** True when the bytes came from the browser cache. */
  cached: boolean;
}

/** How {@link fetchFile} treats a file. */
export interface FetchFileOptions {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** Read from and store into the Cache API. */
  cache: boolean;
  onProgress?: (p: FetchProgress) => void;
}

async function openCache(): Promise<CacheLike | null> {
  const caches = browserGlobals().caches;
  if (!caches) return null;
  // Cache storage is refused on opaque origins and in some private modes: then every visit downloads.
  return caches.open(MODEL_CACHE).catch(() => null);
}

/** Reads a body to the end, checking it against the declared length and the size limit. */
async function readBody(
  response: Response,
  url: string,
  options: FetchFileOptions,
  cached: boolean,
): Promise<Uint8Array> {
  const header = response.headers.get("content-length");
  // A compressed transfer declares the compressed length, which the decoded body does not match.
  const declared = header !== null && !response.headers.get("content-encoding") ? Number(header) : null;
  if (declared !== null && declared > options.maxBytes)
    throw new VidmaeError("E_IO", `${url}: ${declared} bytes is more than the ${options.maxBytes} allowed`);
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const report = () => options.onProgress?.({ file: url, loaded, total: declared, cached });
  report();
  try {
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done) break;
      loaded += value.byteLength;
      if (loaded > options.maxBytes)
        throw new VidmaeError("E_IO", `${url}: more than the ${options.maxBytes} bytes allowed`);
      chunks.push(value);
      report();
    }
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${url}`);
  }
  if (declared !== null && loaded !== declared)
    throw new VidmaeError(
      "E_IO",
      `${url}: received ${loaded} bytes but Content-Length says ${declared} (the download was cut off)`,
    );
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Fetches a file's bytes, or null when the server answers 404 (the caller knows what a missing file means).
 *
 * @throws VidmaeError `E_IO` for network failures, other HTTP errors, a size over the limit, or fewer/more bytes
 *   than Content-Length declared
 * @example
 * const bytes = await fetchFile("https://example.org/model/config.json", { maxBytes: 1 << 20, cache: false });
 */
export async function fetchFile(url: string, options: FetchFileOptions): Promise<Uint8Array | null> {
  const cache = options.cache ? await openCache() : null;
  const hit = await cache?.match(url);
  if (hit) return readBody(hit, url, options, true);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${url}`);
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new VidmaeError("E_IO", `Cannot read ${url}: HTTP ${response.status}`);
  if (!cache) return readBody(response, url, options, false);
  // Checked before it is stored: a cut-off download must not become the next visit's copy.
  const bytes = await readBody(response, url, options, false);
  const headers = { "content-length": String(bytes.byteLength) };
  await cache.put(url, new Response(bytes, { headers })).catch(() => undefined);
  return bytes;
}
