/**
 * Where the feature matrices of `vidmae train/evaluate/predict` come from: a store's embedding space (video
 * vectors and their labels), arrays made elsewhere (`X.npy` + one label per line), or video files embedded on
 * the spot in the space a saved model was trained in (with an embedder from `embedderForSpace`, embed/space.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { VidmaeError, wrapError } from "../errors.js";
import type { Embedder } from "../embed/embedder.js";
import type { EmbeddingSpace } from "../space/spec.js";
import { labelConflicts, labelConflictsLine } from "../store/labels.js";
import { openStore, selectSpace } from "../store/open.js";
import type { EmbeddingStore } from "../store/types.js";
import type { DenseMatrix } from "../numeric/matrix.js";
import { npyToMatrix, readNpy } from "../io/npy.js";

/**
 * A labelled feature matrix: row `i` of `X` has label `y[i]` (and came from `paths[i]` when read from a store).
 *
 * @example
 * const { X, y, space, skipped } = await loadLabelledData({ db: "vidmae.db" });
 */
export interface LabelledData {
  X: DenseMatrix;
  y: string[];
  /** The embedding space the rows come from; null for arrays read from files. */
  space: EmbeddingSpace | null;
  /** Video path of each row; null for arrays read from files. */
  paths: string[] | null;
  /** Rows left out because their video has no label. */
  skipped: number;
  /** One line naming the videos whose paths disagree on the label (each uses the label given last); absent: none. */
  conflicts?: string;
}

/**
 * Where labelled data comes from: a store (and optionally its space, by id or key prefix), or two files.
 *
 * @example
 * const source: DataSource = { x: "X.npy", y: "labels.txt" };
 */
export type DataSource = { db: string; space?: string } | { x: string; y: string };

/**
 * Reads one label per line (a final newline is optional; `\r\n` line ends are accepted).
 *
 * @throws VidmaeError E_IO when unreadable, E_DATA naming an empty line
 * @example
 * readLabelsFile("labels.txt"); // ["cat", "dog", "cat"]
 */
export function readLabelsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot read ${path}`);
  }
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  const empty = lines.findIndex((line) => line.trim() === "");
  if (empty >= 0)
    throw new VidmaeError("E_DATA", `${path}: line ${empty + 1} is empty; expected one label per line`);
  return lines.map((line) => line.trim());
}

/**
 * Reads a 2-D float `.npy` file as a feature matrix.
 *
 * @throws VidmaeError E_IO, E_SHAPE (not 2-D float), as {@link readNpy}
 * @example
 * const X = readFeatures("X.npy"); // X.rows × X.cols
 */
export function readFeatures(path: string): DenseMatrix {
  return npyToMatrix(readNpy(path));
}

/**
 * Reads `X.npy` and its labels file, checking they have one label per row.
 *
 * @throws VidmaeError E_DATA when the counts differ, and as {@link readFeatures} / {@link readLabelsFile}
 * @example
 * const { X, y } = loadArrayData("X.npy", "labels.txt");
 */
export function loadArrayData(xPath: string, yPath: string): LabelledData {
  const X = readFeatures(xPath);
  const y = readLabelsFile(yPath);
  if (y.length !== X.rows) {
    throw new VidmaeError("E_DATA", `${xPath} has ${X.rows} rows but ${yPath} has ${y.length} labels`);
  }
  return { X, y, space: null, paths: null, skipped: 0 };
}

/** The given rows of a row-major `[n, dim]` float32 buffer, as a new matrix. */
function pickRows(data: Float32Array, dim: number, rows: readonly number[]): DenseMatrix<Float32Array> {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(data.subarray(row * dim, (row + 1) * dim), i * dim));
  return { data: out, rows: rows.length, cols: dim };
}

/**
 * The video vectors of a space with their labels; videos without a label are left out (and counted).
 *
 * @throws VidmaeError E_DATA when no embedded video of the space has a label
 * @example
 * const data = await loadStoreData(store, await selectSpace(store));
 */
export async function loadStoreData(store: EmbeddingStore, space: EmbeddingSpace): Promise<LabelledData> {
  const { dim, data, rows } = await store.loadVectors(space.id, { level: "video" });
  const keep = rows.flatMap((row, i) => (row.label ? [i] : []));
  const conflicts = labelConflictsLine(labelConflicts(await store.listVideos(space.id, { status: "ok" })));
  if (keep.length === 0) {
    throw new VidmaeError(
      "E_DATA",
      `None of the ${rows.length} embedded videos of space ${space.id} has a label; embed with --labels-from-dirs or --labels`,
    );
  }
  return {
    X: pickRows(data, dim, keep),
    y: keep.map((i) => rows[i].label!),
    space,
    paths: keep.map((i) => rows[i].path),
    skipped: rows.length - keep.length,
    ...(conflicts !== null && { conflicts }),
  };
}

/**
 * Loads labelled data from a store (opened and closed here) or from files.
 *
 * @example
 * const data = await loadLabelledData({ db: "vidmae.db", space: "2" });
 */
export async function loadLabelledData(source: DataSource): Promise<LabelledData> {
  if ("x" in source) return loadArrayData(source.x, source.y);
  const store = await openStore(source.db);
  try {
    return await loadStoreData(store, await selectSpace(store, source.space));
  } finally {
    await store.close();
  }
}

/**
 * The video vectors of a space, labelled or not, optionally only those of `videos` (matched by path as given
 * or resolved), in store order.
 *
 * @throws VidmaeError E_DATA when the space holds no vectors, or names the requested videos it does not hold
 * @example
 * const { X, paths } = await loadStoreFeatures(store, space, ["videos/a.mp4"]);
 */
export async function loadStoreFeatures(
  store: EmbeddingStore,
  space: EmbeddingSpace,
  videos?: readonly string[],
): Promise<{ X: DenseMatrix; paths: string[] }> {
  const { dim, data, rows } = await store.loadVectors(space.id, { level: "video" });
  let keep = rows.map((_, i) => i);
  if (videos !== undefined && videos.length > 0) {
    const byPath = new Map<string, number>();
    rows.forEach((row, i) => byPath.set(resolve(row.path), i));
    const missing = videos.filter((v) => !byPath.has(resolve(v)));
    if (missing.length > 0) {
      throw new VidmaeError(
        "E_DATA",
        `Not embedded in space ${space.id}: ${missing.join(", ")} (run vidmae embed on them first)`,
      );
    }
    keep = videos.map((v) => byPath.get(resolve(v))!);
  }
  if (keep.length === 0) throw new VidmaeError("E_DATA", `Space ${space.id} holds no embedded videos yet`);
  return { X: pickRows(data, dim, keep), paths: keep.map((i) => rows[i].path) };
}

/**
 * Embeds video files into a feature matrix (rows in input order). A video that fails is reported in
 * `failures` and left out of `X` and `paths`.
 *
 * @example
 * const { X, paths, failures } = await embedVideoFeatures(embedder, ["a.mp4", "b.mp4"]);
 */
export async function embedVideoFeatures(
  embedder: Embedder,
  videos: readonly string[],
): Promise<{ X: DenseMatrix; paths: string[]; failures: VidmaeError[] }> {
  const vectors = new Map<string, Float32Array>();
  const failures: VidmaeError[] = [];
  const unique = [...new Set(videos)];
  for await (const outcome of embedder.embedVideos(unique)) {
    if ("error" in outcome) failures.push(outcome.error);
    else vectors.set(outcome.path, outcome.embedding.vector);
  }
  const paths = unique.filter((p) => vectors.has(p));
  const dim = embedder.dim;
  const X = new Float32Array(paths.length * dim);
  paths.forEach((p, i) => X.set(vectors.get(p)!, i * dim));
  return { X: { data: X, rows: paths.length, cols: dim }, paths, failures };
}
