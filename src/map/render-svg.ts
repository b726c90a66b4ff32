/**
 * The map as a static SVG for reports: title, the scatter (one circle per point, its file name as a tooltip) and a
 * legend of classes with counts.
 */
import { UNLABELLED } from "./colors.js";
import type { MapData } from "./map-data.js";
import { escapeXml, mapSummary } from "./render-html.js";

/**
 * Options of {@link renderSvg}: size in pixels (default 1000 × 700) and title (default "vidmae map").
 *
 * @example
 * const options: SvgOptions = { width: 1600, height: 1000, title: "UCF101, test split" };
 */
export interface SvgOptions {
  width?: number;
  height?: number;
  title?: string;
}

const FONT = "DejaVu Sans, Arial, Helvetica, sans-serif";
const LEGEND_WIDTH = 230;
const ROW = 18;
/** Longest class name shown in full in the legend. */
const NAME_CHARS = 28;

/**
 * Renders `data` as an SVG document. A legend longer than the picture lists the first classes and how many more
 * there are.
 *
 * @example
 * await writeFile("map.svg", renderSvg(data, { title: "My videos" }));
 */
export function renderSvg(data: MapData, options: SvgOptions = {}): string {
  const { width = 1000, height = 700, title = "vidmae map" } = options;
  const top = 64;
  const pad = 16;
  const plot = { x: pad, y: top, w: width - LEGEND_WIDTH - 2 * pad, h: height - top - pad };
  const { points } = data;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const inner = 12;
  const scale = Math.min(
    (plot.w - 2 * inner) / (maxX - minX || 1),
    (plot.h - 2 * inner) / (maxY - minY || 1),
  );
  const ox = plot.x + (plot.w - scale * (maxX - minX)) / 2;
  const oy = plot.y + (plot.h - scale * (maxY - minY)) / 2;
  const r = Math.max(2, Math.min(6, 110 / Math.sqrt(points.length || 1)));
  const f = (v: number) => v.toFixed(2);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${pad}" y="28" font-size="18" font-weight="bold" fill="#222222">${escapeXml(title)}</text>`,
    `<text x="${pad}" y="48" font-size="12" fill="#666666">${escapeXml(mapSummary(data))}</text>`,
    `<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#dddddd"/>`,
    `<g stroke="#ffffff" stroke-width="0.6" fill-opacity="0.85">`,
  ];
  for (const p of points) {
    const label = p.label ?? UNLABELLED;
    const tip =
      data.colorBy === "predicted" ? `${p.name}: ${label}, predicted ${p.predicted}` : `${p.name}: ${label}`;
    out.push(
      `<circle cx="${f(ox + (p.x - minX) * scale)}" cy="${f(oy + (maxY - p.y) * scale)}" r="${f(r)}" ` +
        `fill="${data.legend[p.group].color}"><title>${escapeXml(tip)}</title></circle>`,
    );
  }
  out.push("</g>");

  const lx = width - LEGEND_WIDTH;
  out.push(
    `<text x="${lx}" y="${top + 12}" font-size="13" font-weight="bold" fill="#222222">${data.colorBy === "predicted" ? "Predicted class" : "Label"}</text>`,
  );
  const fits = Math.max(1, Math.floor((height - top - 24 - pad) / ROW));
  const shown = data.legend.length > fits ? fits - 1 : data.legend.length;
  data.legend.slice(0, shown).forEach((entry, i) => {
    const y = top + 24 + i * ROW;
    const name = entry.name.length > NAME_CHARS ? `${entry.name.slice(0, NAME_CHARS - 1)}…` : entry.name;
    out.push(
      `<rect x="${lx}" y="${y}" width="11" height="11" rx="5.5" fill="${entry.color}"/>`,
      `<text x="${lx + 18}" y="${y + 10}" font-size="12" fill="#222222">${escapeXml(name)}</text>`,
      `<text x="${width - pad}" y="${y + 10}" font-size="12" fill="#888888" text-anchor="end">${entry.count}</text>`,
    );
  });
  if (shown < data.legend.length) {
    const more = data.legend.length - shown;
    out.push(
      `<text x="${lx}" y="${top + 24 + shown * ROW + 10}" font-size="12" fill="#888888">… and ${more} more class${more === 1 ? "" : "es"}</text>`,
    );
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
