/**
 * 2-D maps of an embedding space: every stored vector becomes a point, by PCA, LDA, t-SNE or UMAP, and the
 * fitted map can place new vectors (a dropped video) among the stored ones.
 */
import { VidmaeError, invalidParameterError } from "../errors.js";
import type { DenseMatrix } from "../numeric/matrix.js";
import type { LoadedVectors, VectorRow } from "../store/types.js";
import type { FitContext, FittedMap, Point } from "./fitted.js";
import { fitLda, fitPca } from "./linear.js";
import { fitTsne } from "./tsne.js";
import { fitUmap } from "./umap.js";

export type { Point } from "./fitted.js";

/** Ways to draw the space in 2-D. */
export const MAP_METHODS = ["pca", "lda", "tsne", "umap"] as const;

/**
 * One of {@link MAP_METHODS}: `pca` and `lda` are linear projections (new vectors are transformed exactly),
 * `tsne` and `umap` are seeded nonlinear layouts that keep neighbourhoods.
 *
 * @example
 * const method: MapMethod = "umap";
 */
export type MapMethod = (typeof MAP_METHODS)[number];

/**
 * Vectors to place: one vector (its length must be the map's dimension) or a row-major `[n, dim]` matrix.
 *
 * @example
 * await model.place(vector); // one point
 * await model.place({ dim: 768, data: twoRows }); // two points
 */
export type PlaceInput = Float32Array | { dim: number; data: Float32Array };

/**
 * A fitted map that places new vectors: PCA/LDA transform them; UMAP runs umap-js's `transform` (re-seeded on
 * every call, so the same vector always lands on the same spot); t-SNE, which has no out-of-sample mapping, puts
 * a vector at the inverse-distance-weighted mean of the map coordinates of its 5 nearest stored vectors
 * (Euclidean, in the space t-SNE was fitted in) — exactly on a stored point it equals.
 *
 * @example
 * const [[x, y]] = await projection.model.place(newVideoVector);
 */
export interface MapModel {
  readonly method: MapMethod;
  /** Length of the vectors the map was fitted on. */
  readonly dim: number;
  place(vectors: PlaceInput): Promise<Point[]>;
}

/**
 * Options of {@link projectEmbeddings}. `labels` (one per row, null for unlabelled) replaces the rows' own
 * labels for LDA; `seed` (an integer in [0, 2³² − 1], default 0) makes t-SNE and UMAP reproducible.
 *
 * @example
 * const options: ProjectOptions = { method: "tsne", seed: 7 };
 */
export interface ProjectOptions {
  method: MapMethod;
  seed?: number;
  labels?: readonly (string | null)[];
  /** t-SNE and UMAP only: iterations done and their number, after each (PCA and LDA are one step). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A map: one point per row of the input, in input order, and the model that places new vectors.
 *
 * @example
 * const { points, rows } = projectEmbeddings(vectors, { method: "pca" });
 * console.log(rows[0].path, points[0]);
 */
export interface Projection {
  method: MapMethod;
  seed: number;
  points: Point[];
  rows: VectorRow[];
  model: MapModel;
}

/** Fewest rows each method draws a meaningful map of (t-SNE's perplexity and UMAP's neighbours need a few). */
const MIN_ROWS: Record<MapMethod, number> = { pca: 2, lda: 2, tsne: 4, umap: 4 };

const FITTERS: Record<MapMethod, (X: DenseMatrix<Float32Array>, context: FitContext) => FittedMap> = {
  pca: fitPca,
  lda: fitLda,
  tsne: fitTsne,
  umap: fitUmap,
};

/**
 * Computes the 2-D map of `vectors` (e.g. a store's `loadVectors` result). PCA and LDA come from
 * `src/classify` (LDA is fitted on the labelled rows and projects every row); t-SNE from druidjs (exact
 * gradient, 1000 iterations, perplexity min(30, (n − 1)/3)) and UMAP from umap-js (15 neighbours), both seeded
 * and on the full vectors (a PCA to 50 dimensions first, as often done, would cost more than it saves here: the
 * 768 × 768 eigen-decomposition takes longer than the distances it shortens, for up to thousands of videos).
 *
 * @throws VidmaeError `E_DATA` for too few rows (or, for LDA, fewer than 2 labelled classes),
 *   `E_SHAPE` when the data is not `rows × dim`, `E_INVALID_ARGUMENT` for an unknown method or a bad seed
 * @example
 * const vectors = await store.loadVectors(space.id, { level: "video" });
 * const { points, model } = projectEmbeddings(vectors, { method: "umap", seed: 0 });
 */
export function projectEmbeddings(vectors: LoadedVectors, options: ProjectOptions): Projection {
  const { method, seed = 0 } = options;
  if (!MAP_METHODS.includes(method))
    throw invalidParameterError("method", `one of: ${MAP_METHODS.join(", ")}`, method);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw invalidParameterError("seed", "integer in [0, 4294967295]", seed);
  const { dim, data, rows } = vectors;
  const n = rows.length;
  if (data.length !== n * dim)
    throw new VidmaeError("E_SHAPE", `vectors hold ${data.length} values, expected ${n} rows × ${dim}`);
  if (n < MIN_ROWS[method])
    throw new VidmaeError(
      "E_DATA",
      `a ${method} map needs at least ${MIN_ROWS[method]} vectors, but there are ${n}`,
    );
  const labels = options.labels ?? rows.map((r) => r.label);
  if (labels.length !== n)
    throw invalidParameterError("labels", `an array of ${n} labels (one per row)`, labels);
  const fitted = FITTERS[method](
    { data, rows: n, cols: dim },
    { seed, labels, onProgress: options.onProgress },
  );
  const model: MapModel = {
    method,
    dim,
    place: async (input) => fitted.place(placeMatrix(input, dim)),
  };
  return { method, seed, points: fitted.points, rows: [...rows], model };
}

/** Checks new vectors against the map's dimension and views them as a matrix. */
function placeMatrix(input: PlaceInput, dim: number): DenseMatrix<Float32Array> {
  const data = input instanceof Float32Array ? input : input.data;
  const given = input instanceof Float32Array ? input.length : input.dim;
  if (given !== dim || data.length % dim !== 0)
    throw new VidmaeError(
      "E_SHAPE",
      `vectors to place must have ${dim} dimensions, like the map's, but have ${given} (${data.length} values)`,
    );
  return { data, rows: data.length / dim, cols: dim };
}
