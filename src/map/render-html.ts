/**
 * The interactive map as one self-contained HTML file: data, style and script inline, thumbnails as data URLs,
 * nothing fetched when the page is viewed.
 */
import type { MapData } from "./map-data.js";
import { PAGE_SCRIPT, PAGE_STYLE } from "./page-script.js";

/** Display names of the methods, for titles. */
export const METHOD_NAMES = { pca: "PCA", lda: "LDA", tsne: "t-SNE", umap: "UMAP" } as const;

/**
 * Escapes text for HTML and XML content and attribute values.
 *
 * @example
 * escapeXml('a < "b"'); // "a &lt; &quot;b&quot;"
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * One line saying what the map shows: method, count, level, colouring, seed.
 *
 * @example
 * mapSummary(data); // "t-SNE of 240 videos · colour: label · seed 0"
 */
export function mapSummary(data: MapData): string {
  const n = data.points.length;
  const unit = data.level === "clip" ? (n === 1 ? "clip" : "clips") : n === 1 ? "video" : "videos";
  const colour = data.colorBy === "predicted" ? "predicted class" : "label";
  const seeded = data.method === "tsne" || data.method === "umap" ? ` · seed ${data.seed}` : "";
  return `${METHOD_NAMES[data.method]} of ${n} ${unit} · ${data.dim}-d embeddings · colour: ${colour}${seeded}`;
}

/**
 * The HTML page of a map: a canvas scatter with a legend (click a class to hide it), a tooltip on hover (file
 * name, label, thumbnail), and on click the point's nearest neighbours; wheel zooms, drag pans, double-click
 * resets, `#point=i` in the address opens point i.
 *
 * @example
 * await writeFile("map.html", renderHtml(data, { title: "My videos" }));
 */
export function renderHtml(data: MapData, options: { title?: string } = {}): string {
  const title = options.title ?? "vidmae map";
  // JSON inside <script>: escaping "<" keeps a file name such as "</script>" from ending the block.
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${escapeXml(title)}</h1><p>${escapeXml(mapSummary(data))} · hover for details, click for neighbours, wheel to zoom, drag to pan</p></header>
<main>
<div id="plot"><canvas id="canvas"></canvas><div id="tip" hidden></div></div>
<aside><h2>Classes</h2><ul id="legend" class="legend"></ul><section id="detail"></section></aside>
</main>
<script type="application/json" id="map-data">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
