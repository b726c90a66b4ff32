/**
 * `vidmae/map`: 2-D maps of the embedding space and their HTML, SVG and PNG renderings.
 *
 * @example
 * import { writeMap } from "vidmae/map";
 * import { openStore, selectSpace } from "vidmae/store";
 * const store = await openStore("vidmae.db");
 * const space = await selectSpace(store);
 * const vectors = await store.loadVectors(space.id, { level: "video" });
 * const { format } = await writeMap(vectors, { method: "pca", out: "map.html" });
 * console.log(format); // → html
 * await store.close();
 */
export {
  projectEmbeddings,
  MAP_METHODS,
  type MapMethod,
  type MapModel,
  type PlaceInput,
  type ProjectOptions,
  type Projection,
} from "./project.js";
export {
  buildMapData,
  COLOR_BY,
  type ColorBy,
  type MapData,
  type MapOptions,
  type MapPoint,
} from "./map-data.js";
export { legendFor, type LegendEntry } from "./colors.js";
export { makeThumbnails, videoThumbnail, type ThumbnailOptions } from "./thumbnails.js";
export { renderHtml } from "./render-html.js";
export { renderSvg, type SvgOptions } from "./render-svg.js";
export { renderPng } from "./render-png.js";
export { writeMap, mapFormat, MAP_FORMATS, type MapFormat, type WriteMapOptions } from "./write-map.js";
