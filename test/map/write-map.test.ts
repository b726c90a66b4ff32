import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { PNG } from "pngjs";
import { VidmaeError } from "../../src/errors.js";
import { mapFormat, writeMap } from "../../src/map/write-map.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { tempDir } from "../helpers/temp.js";
import { clusteredVectors } from "./helpers.js";

const dir = tempDir("vidmae-write-map-");

describe("writeMap", () => {
  test("the extension picks the format", () => {
    assert.equal(mapFormat("a/map.HTML"), "html");
    assert.equal(mapFormat("map.htm"), "html");
    assert.equal(mapFormat("map.svg"), "svg");
    assert.equal(mapFormat("map.png"), "png");
    assert.throws(
      () => mapFormat("map.jpg"),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_INVALID_ARGUMENT" &&
        e.message ===
          'Expected a file name ending in .html, .svg or .png for out but received "map.jpg" of type string',
    );
  });

  test("html gets thumbnails of the videos it can read; svg and png are pictures", async () => {
    const vectors = clusteredVectors({ n: 12, dim: 6, classes: ["a", "b"] });
    vectors.rows[0] = { ...vectors.rows[0], path: await makeVideo(dir, { name: "v.mp4", frames: 5 }) };
    const html = await writeMap(vectors, { method: "umap", seed: 1, out: join(dir, "map.html") });
    assert.equal(html.format, "html");
    assert.deepEqual(Object.keys(html.data.thumbnails), ["1"]);
    assert.ok((await readFile(join(dir, "map.html"), "utf8")).includes(html.data.thumbnails["1"]));

    const svg = await writeMap(vectors, { method: "umap", seed: 1, out: join(dir, "map.svg") });
    assert.deepEqual(svg.data.thumbnails, {});
    assert.deepEqual(svg.data.points, html.data.points);
    assert.match(await readFile(join(dir, "map.svg"), "utf8"), /^<svg /);

    await writeMap(vectors, { method: "pca", out: join(dir, "map.png"), width: 300, height: 200 });
    const png = PNG.sync.read(await readFile(join(dir, "map.png")));
    assert.deepEqual([png.width, png.height], [300, 200]);
  });

  test("a bad extension fails before any work; an unwritable file fails with E_IO", async () => {
    const vectors = clusteredVectors({ n: 2, dim: 2, classes: ["a"] });
    await assert.rejects(
      writeMap(vectors, { method: "lda", out: join(dir, "map.txt") }),
      /for out but received/,
    );
    await assert.rejects(stat(join(dir, "map.txt")));
    await assert.rejects(
      writeMap(vectors, { method: "pca", out: join(dir, "no", "map.svg") }),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_IO" &&
        e.message.startsWith(`cannot write ${join(dir, "no", "map.svg")}: ENOENT`),
    );
  });
});
