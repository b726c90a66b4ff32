/**
 * Exports a space's vectors for use outside vidmae: `embeddings.npy` (float32 [N, D]) with `index.csv` saying what
 * each row is, plus, on request, the same rows as JSON lines or Parquet. Only successfully embedded videos have
 * vectors, so only they are exported, in the store's row order (video id, clip index, crop).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { writeNpy } from "../io/npy.js";
import { invalidParameterError, wrapError } from "../errors.js";
import { writeEmbeddingsParquet } from "../io/parquet.js";
import {
  VECTOR_LEVELS,
  type EmbeddingStore,
  type LoadedVectors,
  type VectorLevel,
  type VectorRow,
} from "./types.js";

/** Export formats: `npy` writes embeddings.npy and index.csv; `jsonl` and `parquet` add that file. */
export const EXPORT_FORMATS = ["npy", "jsonl", "parquet"] as const;
/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Options of {@link exportEmbeddings}.
 *
 * @example
 * const options: ExportOptions = { spaceId: 1, level: "video", format: "parquet", outDir: "out" };
 */
export interface ExportOptions {
  spaceId: number;
  level: VectorLevel;
  format: ExportFormat;
  /** Created if missing; existing files of the same names are replaced. */
  outDir: string;
  /**
   * Called as rows are written, with the rows done so far and the total, counted over every file (a row counts
   * once per file it goes into: `rows × files`), so the last call has `done === total`.
   */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What {@link exportEmbeddings} wrote: row count, vector length, and the files' paths.
 *
 * @example
 * const r: ExportResult = { rows: 120, dim: 768, files: ["out/embeddings.npy", "out/index.csv"] };
 */
export interface ExportResult {
  rows: number;
  dim: number;
  files: string[];
}

/** Flushes buffered text once it reaches this many characters. */
const WRITE_CHUNK = 1 << 20;

/** Writes lines to a file in ~1 MB chunks, so a large export never holds the whole text; `onChunk` gets the lines flushed. */
function writeLines(
  path: string,
  lines: Iterable<string>,
  onChunk: (lines: number) => void = () => {},
): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "w");
    let chunk = "";
    let count = 0;
    for (const line of lines) {
      chunk += `${line}\n`;
      count++;
      if (chunk.length >= WRITE_CHUNK) {
        writeSync(fd, chunk);
        onChunk(count);
        chunk = "";
        count = 0;
      }
    }
    writeSync(fd, chunk);
    onChunk(count);
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot write ${path}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, with quotes doubled; null is empty.
 *
 * @example
 * csvField('a "b", c'); // '"a ""b"", c"'
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const CSV_HEADER = ["row", "id", "path", "label", "clip", "crop", "start", "end", "paths"];

/** Every path of each video, with its label, as the export writes them. */
type PathsById = ReadonlyMap<number, { path: string; label: string | null }[]>;

function* csvLines(rows: readonly VectorRow[], paths: PathsById): Generator<string> {
  yield CSV_HEADER.join(",");
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const all = JSON.stringify(paths.get(r.videoId) ?? []);
    yield [i, r.videoId, r.path, r.label, r.clipIndex, r.crop, r.startSec, r.endSec, all]
      .map(csvField)
      .join(",");
  }
}

function* jsonLines({ dim, data, rows }: LoadedVectors, paths: PathsById): Generator<string> {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    yield JSON.stringify({
      row: i,
      id: r.videoId,
      path: r.path,
      label: r.label,
      paths: paths.get(r.videoId) ?? [],
      clip: r.clipIndex ?? null,
      crop: r.crop ?? null,
      start: r.startSec ?? null,
      end: r.endSec ?? null,
      vector: Array.from(data.subarray(i * dim, (i + 1) * dim)),
    });
  }
}

/**
 * Writes a space's vectors to `outDir`: always `embeddings.npy` and `index.csv` (columns row, id, path, label,
 * clip, crop, start, end, paths; the clip columns empty at level `video`; `path` and `label` are the video's
 * primary ones, `paths` every path with its label as a JSON array), plus `embeddings.jsonl` (one object per row,
 * with its `vector` and `paths`) or `embeddings.parquet` when that format is asked for.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for a bad level or format, E_STORE for an unknown space, E_IO on write errors
 * @example
 * await exportEmbeddings(store, { spaceId: space.id, level: "video", format: "npy", outDir: "out" });
 * // out/embeddings.npy: np.load -> (N, 768) float32; out/index.csv: pandas.read_csv
 */
export async function exportEmbeddings(store: EmbeddingStore, options: ExportOptions): Promise<ExportResult> {
  const { spaceId, level, format, outDir } = options;
  if (!EXPORT_FORMATS.includes(format)) {
    throw invalidParameterError("format", `one of: ${EXPORT_FORMATS.join(", ")}`, format);
  }
  if (!VECTOR_LEVELS.includes(level))
    throw invalidParameterError("level", `one of: ${VECTOR_LEVELS.join(", ")}`, level);
  if (typeof outDir !== "string" || outDir === "")
    throw invalidParameterError("outDir", "non-empty string", outDir);
  const vectors = await store.loadVectors(spaceId, { level });
  const paths: PathsById = new Map(
    (await store.listVideos(spaceId, { status: "ok" })).map((v) => [
      v.id,
      v.paths.map(({ path, label }) => ({ path, label })),
    ]),
  );
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw wrapError(error, "E_IO", `Cannot create ${outDir}`);
  }
  const n = vectors.rows.length;
  const total = n * (format === "npy" ? 2 : 3);
  let done = 0;
  const progress = (rows: number) => options.onProgress?.((done += rows), total);
  // The CSV and JSONL files count their rows as each chunk is flushed; the header line is not a row.
  const lineProgress = (header: boolean) => {
    let skip = header ? 1 : 0;
    return (lines: number) => {
      const rows = lines - skip;
      skip = Math.max(0, -rows);
      if (rows > 0) progress(rows);
    };
  };
  const files = [join(outDir, "embeddings.npy"), join(outDir, "index.csv")];
  writeNpy(files[0], { shape: [n, vectors.dim], data: vectors.data });
  progress(n);
  writeLines(files[1], csvLines(vectors.rows, paths), lineProgress(true));
  if (format === "jsonl") {
    files.push(join(outDir, "embeddings.jsonl"));
    writeLines(files[2], jsonLines(vectors, paths), lineProgress(false));
  } else if (format === "parquet") {
    files.push(join(outDir, "embeddings.parquet"));
    writeEmbeddingsParquet(files[2], vectors);
    progress(n);
  }
  return { rows: vectors.rows.length, dim: vectors.dim, files };
}
