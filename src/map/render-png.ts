/**
 * The map as a PNG: the SVG rendering rasterised by resvg (`@resvg/resvg-js`, whose prebuilt binaries come from
 * npm as optional per-platform packages, no install script). Drawing text with pngjs alone would mean writing a
 * font rasteriser; resvg renders the legend with the system's fonts (DejaVu on Debian).
 */
import { Resvg } from "@resvg/resvg-js";
import type { MapData } from "./map-data.js";
import { renderSvg, type SvgOptions } from "./render-svg.js";

/**
 * Renders `data` as a PNG of `width × height` pixels (default 1000 × 700).
 *
 * @example
 * await writeFile("map.png", renderPng(data, { width: 1600, height: 1000 }));
 */
export function renderPng(data: MapData, options: SvgOptions = {}): Buffer {
  const resvg = new Resvg(renderSvg(data, options), {
    fitTo: { mode: "original" },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}
