/**
 * One call from vectors to a map file, the format chosen by the file's extension: `.html` (interactive, with
 * thumbnails), `.svg` or `.png` (static, for reports).
 */
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { invalidParameterError, wrapError } from "../errors.js";
import type { LoadedVectors } from "../store/types.js";
import { buildMapData, type MapData, type MapOptions } from "./map-data.js";
import { renderHtml } from "./render-html.js";
import { renderPng } from "./render-png.js";
import { renderSvg } from "./render-svg.js";

/** Map file formats, by extension. */
export const MAP_FORMATS = { ".html": "html", ".htm": "html", ".svg": "svg", ".png": "png" } as const;

/**
 * One of the values of {@link MAP_FORMATS}.
 *
 * @example
 * const format: MapFormat = "png";
 */
export type MapFormat = (typeof MAP_FORMATS)[keyof typeof MAP_FORMATS];

/**
 * Options of {@link writeMap}: the map's ({@link MapOptions}; thumbnails default to on for HTML and are never
 * made for SVG/PNG, which do not show them), the output file, a title, and the picture size of SVG/PNG.
 *
 * @example
 * const options: WriteMapOptions = { method: "umap", seed: 0, out: "map.png", width: 1600, height: 1000 };
 */
export interface WriteMapOptions extends MapOptions {
  out: string;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * The format a file name asks for.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for another extension
 * @example
 * mapFormat("out/map.svg"); // "svg"
 */
export function mapFormat(path: string): MapFormat {
  const format = MAP_FORMATS[extname(path).toLowerCase() as keyof typeof MAP_FORMATS];
  if (!format) throw invalidParameterError("out", "a file name ending in .html, .svg or .png", path);
  return format;
}

/**
 * Projects `vectors`, renders the map in the format `out`'s extension names and writes it; returns the format and
 * the map data.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown extension (checked before any work), `E_IO` when the
 *   file cannot be written, and whatever {@link buildMapData} throws
 * @example
 * const vectors = await store.loadVectors(space.id, { level: "video" });
 * await writeMap(vectors, { method: "tsne", seed: 0, out: "map.html" });
 */
export async function writeMap(
  vectors: LoadedVectors,
  options: WriteMapOptions,
): Promise<{ format: MapFormat; data: MapData }> {
  const { out, title, width, height } = options;
  const format = mapFormat(out);
  const thumbnails = format === "html" ? (options.thumbnails ?? true) : false;
  const { data } = await buildMapData(vectors, { ...options, thumbnails });
  const content =
    format === "html"
      ? renderHtml(data, { title })
      : format === "svg"
        ? renderSvg(data, { title, width, height })
        : renderPng(data, { title, width, height });
  try {
    await writeFile(out, content);
  } catch (e) {
    throw wrapError(e, "E_IO", `cannot write ${out}`);
  }
  return { format, data };
}
