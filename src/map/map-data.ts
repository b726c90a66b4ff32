/**
 * Everything a picture of the embedding space needs, as plain JSON: points with their file, label, predicted
 * class, colour group, nearest neighbours and thumbnails. The HTML, SVG and PNG renderings and the HTTP service's
 * `GET /v1/map` all draw from it.
 */
import { basename } from "node:path";
import { invalidParameterError } from "../errors.js";
import type { Label } from "../classify/base.js";
import type { Matrix } from "../numeric/matrix.js";
import { exactSearch } from "../search/exact.js";
import { checkPositiveInt } from "../search/validate.js";
import type { LoadedVectors } from "../store/types.js";
import { legendFor, type LegendEntry } from "./colors.js";
import { projectEmbeddings, type MapMethod, type MapModel, type ProjectOptions } from "./project.js";
import { makeThumbnails, type ThumbnailOptions } from "./thumbnails.js";

/** What colours the points: the stored label, or the class a trained classifier predicts. */
export const COLOR_BY = ["label", "predicted"] as const;

/**
 * One of {@link COLOR_BY}.
 *
 * @example
 * const color: ColorBy = "predicted";
 */
export type ColorBy = (typeof COLOR_BY)[number];

/**
 * One point of a map. Clip-level maps also carry the clip's index, crop and time range. `neighbours` are indices
 * into the map's points, nearest first (exact cosine distance, other videos only), with their `distances`.
 *
 * @example
 * const p: MapPoint = { x: 1.5, y: -0.2, videoId: 3, path: "v/a.mp4", name: "a.mp4", label: "cat", predicted: null,
 *   group: 0, neighbours: [7, 2], distances: [0.08, 0.11] };
 */
export interface MapPoint {
  x: number;
  y: number;
  videoId: number;
  path: string;
  name: string;
  label: string | null;
  /** The classifier's class when the map is coloured by prediction, else null. */
  predicted: string | null;
  clipIndex?: number;
  crop?: number;
  startSec?: number;
  endSec?: number;
  /** Index of the point's class in {@link MapData.legend}. */
  group: number;
  neighbours: number[];
  distances: number[];
}

/**
 * A map as JSON-able data.
 *
 * @example
 * const { data } = await buildMapData(vectors, { method: "pca" });
 * JSON.stringify(data); // what GET /v1/map serves
 */
export interface MapData {
  method: MapMethod;
  seed: number;
  level: "video" | "clip";
  colorBy: ColorBy;
  /** Length of the embedded vectors. */
  dim: number;
  legend: LegendEntry[];
  points: MapPoint[];
  /** PNG data URLs by video id (as a string key); videos without a thumbnail are absent. */
  thumbnails: Record<string, string>;
}

/**
 * Options of {@link buildMapData}: the projection's, plus what colours the points (`predicted` needs
 * `classifier`, anything with `predict` trained on this space's vectors), how many neighbours to list (default 5)
 * and whether to make thumbnails (default no: it decodes one frame per video).
 *
 * @example
 * const options: MapOptions = { method: "umap", color: "predicted", classifier, thumbnails: true };
 */
export interface MapOptions extends ProjectOptions {
  color?: ColorBy;
  classifier?: { predict(X: Matrix): Label[] };
  neighbours?: number;
  thumbnails?: boolean | ThumbnailOptions;
}

/** Six significant digits: the page and JSON stay small, and no screen shows more. */
function round(v: number): number {
  return Number(v.toPrecision(6));
}

/**
 * Projects `vectors` and gathers everything a map shows; also returns the fitted model, to place new vectors.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` for an unknown colouring, a neighbour count that is not a positive
 *   integer, or colouring by prediction without a classifier; and whatever {@link projectEmbeddings} throws
 * @example
 * const vectors = await store.loadVectors(space.id, { level: "video" });
 * const { data, model } = await buildMapData(vectors, { method: "tsne", seed: 0, thumbnails: true });
 * const [[x, y]] = await model.place(newVector);
 */
export async function buildMapData(
  vectors: LoadedVectors,
  options: MapOptions,
): Promise<{ data: MapData; model: MapModel }> {
  const { color = "label", classifier, neighbours: k = 5, thumbnails = false } = options;
  if (!COLOR_BY.includes(color))
    throw invalidParameterError("color", `one of: ${COLOR_BY.join(", ")}`, color);
  checkPositiveInt(k, "neighbours");
  if (color === "predicted" && !classifier)
    throw invalidParameterError(
      "classifier",
      "a trained classifier to colour by predicted class",
      classifier,
    );
  const projection = projectEmbeddings(vectors, options);
  const { dim, data, rows } = vectors;
  const predicted =
    color === "predicted"
      ? classifier!.predict({ data, rows: rows.length, cols: dim }).map(String)
      : rows.map(() => null);
  const { legend, groups } = legendFor(color === "predicted" ? predicted : rows.map((r) => r.label));
  const videoIds = rows.map((r) => r.videoId);
  const near = await exactSearch({ dim, data }, { dim, data }, k, {
    metric: "cosine",
    exclude: { rowGroups: videoIds, queryGroups: videoIds },
  });
  const points = rows.map((row, i): MapPoint => {
    const neighbours: number[] = [];
    const distances: number[] = [];
    for (let j = i * k; j < (i + 1) * k && near.indices[j] >= 0; j++) {
      neighbours.push(near.indices[j]);
      distances.push(round(near.distances[j]));
    }
    const [x, y] = projection.points[i];
    return {
      x: round(x),
      y: round(y),
      ...row,
      name: basename(row.path),
      predicted: predicted[i],
      group: groups[i],
      neighbours,
      distances,
    };
  });
  const thumbs: Record<string, string> = {};
  if (thumbnails) {
    const made = await makeThumbnails(
      rows.map((r) => r.path),
      thumbnails === true ? {} : thumbnails,
    );
    for (const row of rows) if (made.get(row.path)) thumbs[row.videoId] = made.get(row.path)!;
  }
  const level = rows[0]?.clipIndex === undefined ? "video" : "clip";
  return {
    data: {
      method: projection.method,
      seed: projection.seed,
      level,
      colorBy: color,
      dim,
      legend,
      points,
      thumbnails: thumbs,
    },
    model: projection.model,
  };
}
