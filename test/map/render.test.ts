import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Resvg } from "@resvg/resvg-js";
import { PNG } from "pngjs";
import { buildMapData, type MapData } from "../../src/map/map-data.js";
import { PAGE_SCRIPT } from "../../src/map/page-script.js";
import { renderHtml } from "../../src/map/render-html.js";
import { renderPng } from "../../src/map/render-png.js";
import { renderSvg } from "../../src/map/render-svg.js";
import { clusteredVectors } from "./helpers.js";

/** A file name needing XML escapes, in a folder whose name would end a <script> block. */
const NASTY = "<i>x & 'y'.mp4";
const NASTY_PATH = `videos/</script><b>/${NASTY}`;
/** A 1×1 PNG. */
const THUMB =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

async function sample(): Promise<MapData> {
  const vectors = clusteredVectors({ n: 18, dim: 6, classes: ["jumping & running", "spin <fast>", null] });
  vectors.rows[4] = { ...vectors.rows[4], path: NASTY_PATH };
  const { data } = await buildMapData(vectors, { method: "pca" });
  return { ...data, thumbnails: { "1": THUMB } };
}

describe("renderHtml", () => {
  test("embeds the map data, labels and thumbnails, and loads nothing from the network", async () => {
    const data = await sample();
    const html = renderHtml(data, { title: "Clips <& more>" });
    const json = /<script type="application\/json" id="map-data">([^]*?)<\/script>/.exec(html)![1];
    assert.deepEqual(JSON.parse(json), data);
    assert.ok(html.includes("<title>Clips &lt;&amp; more&gt;</title>"));
    for (const entry of data.legend)
      assert.ok(json.includes(JSON.stringify(entry.name).replace(/</g, "\\u003c")));
    assert.ok(html.includes(THUMB));
    assert.ok(html.includes("videos/\\u003c/script>\\u003cb>/"));
    // Self-contained: no URL to fetch, no external script, style or image.
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<(script|img|link|iframe)[^>]*\s(src|href)=/i);
    assert.doesNotMatch(html, /@import|url\(/);
    // The file name holding "</script>" cannot close the data block.
    assert.equal(html.match(/<\/script>/g)!.length, 2);
  });

  test("the page script is valid JavaScript", () => {
    assert.doesNotThrow(() => new Function(PAGE_SCRIPT));
  });
});

describe("renderSvg", () => {
  test("well-formed XML with one circle per point, a title and a legend", async () => {
    const data = await sample();
    const svg = renderSvg(data, { title: "A & B" });
    assert.doesNotThrow(() => new Resvg(svg)); // resvg's XML parser is strict: a stray & or < fails
    assert.equal(svg.match(/<circle /g)!.length, data.points.length);
    assert.ok(svg.includes(">A &amp; B</text>"));
    assert.ok(svg.includes(">jumping &amp; running</text>"));
    assert.ok(svg.includes(">spin &lt;fast&gt;</text>"));
    assert.ok(svg.includes(">(unlabelled)</text>"));
    assert.ok(svg.includes("<title>&lt;i&gt;x &amp; &#39;y&#39;.mp4: spin &lt;fast&gt;</title>"));
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="700"'));
  });

  test("a legend longer than the picture says how many classes it leaves out", async () => {
    const classes = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, "0")}`);
    const { data } = await buildMapData(clusteredVectors({ n: 80, dim: 4, classes }), { method: "pca" });
    const svg = renderSvg(data, { height: 300 });
    const shown = Math.floor((300 - 64 - 24 - 16) / 18) - 1;
    assert.ok(svg.includes(`… and ${40 - shown} more classes`));
    assert.ok(svg.includes(`>c${String(shown - 1).padStart(2, "0")}</text>`));
    assert.ok(!svg.includes(`>c${String(shown).padStart(2, "0")}</text>`));
  });
});

describe("renderPng", () => {
  test("decodes at the requested size and shows the class colours", async () => {
    const data = await sample();
    const png = PNG.sync.read(renderPng(data, { width: 640, height: 480 }));
    assert.deepEqual([png.width, png.height], [640, 480]);
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4)
      colours.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
    assert.ok(colours.has("255,255,255"));
    assert.ok(colours.has("78,121,167"), "the first class colour #4e79a7 (legend swatch)");
  });
});
