/**
 * The SQL both store backends run, written once, and the plan protocol that lets one piece of code run it on
 * either driver. A plan is a generator that yields a {@link Query} and receives its {@link QueryResult}:
 * better-sqlite3 answers synchronously inside its own transaction, pg asynchronously on a pooled connection, so
 * the same plan drives both without SQLite's transactions ever spanning an `await`.
 *
 * Parameters are PostgreSQL's `$n`; better-sqlite3 binds them as named parameters (`$1` is the name "1"), so the
 * statements below need no dialect of their own. JSON columns take their text and flags take booleans; the SQLite
 * adapter stores a boolean as 0/1.
 */
import type { VectorLevel, VectorRow } from "./types.js";

/**
 * One statement to run: `arrays` asks for rows as value arrays instead of objects (faster for many rows).
 *
 * @example
 * const q: Query = { sql: "SELECT * FROM videos WHERE id = $1", params: [3] };
 */
export interface Query {
  sql: string;
  params: readonly unknown[];
  arrays?: boolean;
}

/**
 * What a statement gave back: its rows (none for a statement without RETURNING) and how many rows it changed.
 *
 * @example
 * const r: QueryResult = { rows: [], changes: 1 };
 */
export interface QueryResult {
  rows: unknown[];
  changes: number;
}

/**
 * A unit of store work returning `T`: yields the statements to run, in order, and gets each one's result.
 *
 * @example
 * function* count(): Plan<number> { return (yield* first<{ n: number }>("SELECT COUNT(*) AS n FROM videos"))!.n; }
 */
export type Plan<T> = Generator<Query, T, QueryResult>;

/**
 * A plan step: all rows of a statement.
 *
 * @example
 * const spaces = yield* all<SpaceRow>(SQL.spaces);
 */
export function* all<R>(sql: string, params: readonly unknown[] = [], arrays = false): Plan<R[]> {
  return (yield { sql, params, arrays }).rows as R[];
}

/**
 * A plan step: the first row of a statement, undefined when there is none.
 *
 * @example
 * const row = yield* first<VideoRow>(SQL.videoById, [3]);
 */
export function* first<R>(sql: string, params: readonly unknown[] = []): Plan<R | undefined> {
  return (yield* all<R>(sql, params))[0];
}

/**
 * A plan step: a statement run for its effect; returns how many rows it changed.
 *
 * @example
 * const changed = yield* run(SQL.setLabel, ["dog", now(), 3]);
 */
export function* run(sql: string, params: readonly unknown[] = []): Plan<number> {
  return (yield { sql, params }).changes;
}

/**
 * Parameters as better-sqlite3 binds `$n`: by name, with booleans as the 0/1 the schema stores.
 *
 * @example
 * db.prepare("SELECT $1 AS a").get(sqliteBindings([true])); // { a: 1 }
 */
export function sqliteBindings(params: readonly unknown[]): Record<number, unknown> {
  const named: Record<number, unknown> = {};
  params.forEach((value, i) => (named[i + 1] = typeof value === "boolean" ? Number(value) : value));
  return named;
}

/**
 * Runs a plan on a synchronous driver.
 *
 * @example
 * const rows = drive(all<SpaceRow>(SQL.spaces), (q) => execute(q));
 */
export function drive<T>(plan: Plan<T>, execute: (query: Query) => QueryResult): T {
  let step = plan.next();
  while (!step.done) step = plan.next(execute(step.value));
  return step.value;
}

/**
 * Runs a plan on an asynchronous driver, one statement at a time.
 *
 * @example
 * const rows = await driveAsync(all<SpaceRow>(SQL.spaces), (q) => execute(client, q));
 */
export async function driveAsync<T>(
  plan: Plan<T>,
  execute: (query: Query) => Promise<QueryResult>,
): Promise<T> {
  let step = plan.next();
  while (!step.done) step = plan.next(await execute(step.value));
  return step.value;
}

/** A video's paths with the primary one (`videos.path`) first, then the most recently added. */
const PATHS = `SELECT p.video_id, p.path, p.label, p.added_at FROM video_paths p JOIN videos v ON v.id = p.video_id`;
const PATH_ORDER =
  "ORDER BY p.video_id, CASE WHEN p.path = v.path THEN 0 ELSE 1 END, p.added_at DESC, p.path";

/**
 * The statements both backends share. `insertSpace` and `upsertVideo` take the columns in table order;
 * `upsertVideo`'s `$8`/`$9` say whether probe and label were given (omitted keeps what is stored).
 *
 * @example
 * const row = yield* first<SpaceRow>(SQL.spaceByKey, [key]);
 */
export const SQL = {
  spaceById: "SELECT * FROM embedding_spaces WHERE id = $1",
  spaceByKey: "SELECT * FROM embedding_spaces WHERE key = $1",
  spaces: "SELECT * FROM embedding_spaces ORDER BY id",
  insertSpace: `INSERT INTO embedding_spaces (key, model, revision, weights_hash, pooling, sampling, precision, dim, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
  // The path now shows other content: the old content's row lets go of it (and keeps its embeddings).
  detachPath: "UPDATE videos SET path = NULL, updated_at = $1 WHERE path = $2 AND content_hash <> $3",
  upsertVideo: `INSERT INTO videos (content_hash, path, size_bytes, mtime_ms, probe, label, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
    ON CONFLICT (content_hash) DO UPDATE SET path = EXCLUDED.path, size_bytes = EXCLUDED.size_bytes,
      mtime_ms = EXCLUDED.mtime_ms, updated_at = EXCLUDED.updated_at,
      probe = CASE WHEN $8 THEN EXCLUDED.probe ELSE videos.probe END,
      label = CASE WHEN $9 THEN EXCLUDED.label ELSE videos.label END
    RETURNING *`,
  videoById: "SELECT * FROM videos WHERE id = $1",
  videoByHash: "SELECT * FROM videos WHERE content_hash = $1",
  labelByHash: "SELECT path, label FROM videos WHERE content_hash = $1",
  videoByPath: "SELECT v.* FROM video_paths p JOIN videos v ON v.id = p.video_id WHERE p.path = $1",
  setLabel: "UPDATE videos SET label = $1, updated_at = $2 WHERE id = $3",
  setPathLabels: "UPDATE video_paths SET label = $1 WHERE video_id = $2",
  pathOwner: "SELECT video_id FROM video_paths WHERE path = $1",
  // $1 path, $2 video, $3 the video's label, $4 now, $5 whether a label was given: a path new to the video takes
  // the video's label (and the time); one it already had keeps its own unless a label was given.
  upsertPath: `INSERT INTO video_paths (path, video_id, label, added_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (path) DO UPDATE SET
      label = CASE WHEN $5 OR video_paths.video_id <> EXCLUDED.video_id THEN EXCLUDED.label ELSE video_paths.label END,
      added_at = CASE WHEN video_paths.video_id <> EXCLUDED.video_id THEN EXCLUDED.added_at ELSE video_paths.added_at END,
      video_id = EXCLUDED.video_id`,
  // A video that lost a path to other content: its primary path becomes its most recently added remaining one
  // (null: none), and its label stays unless no remaining path has it (then: the newest labelled path's).
  refreshVideo: `UPDATE videos SET updated_at = $2,
      path = (SELECT p.path FROM video_paths p WHERE p.video_id = videos.id ORDER BY p.added_at DESC, p.path DESC LIMIT 1),
      label = COALESCE((SELECT p.label FROM video_paths p WHERE p.video_id = videos.id AND p.label IS NOT NULL
        ORDER BY CASE WHEN p.label = videos.label THEN 0 ELSE 1 END, p.added_at DESC, p.path DESC LIMIT 1), videos.label)
    WHERE id = $1`,
  pathsOf: `${PATHS} WHERE p.video_id = $1 ${PATH_ORDER}`,
  allPaths: `${PATHS} ${PATH_ORDER}`,
  status: "SELECT * FROM video_status WHERE space_id = $1 AND video_id = $2",
  deleteClips: "DELETE FROM clip_embeddings WHERE space_id = $1 AND video_id = $2",
  deleteVideoVector: "DELETE FROM video_embeddings WHERE space_id = $1 AND video_id = $2",
  upsertVideoVector: `INSERT INTO video_embeddings (space_id, video_id, vector) VALUES ($1, $2, $3)
    ON CONFLICT (space_id, video_id) DO UPDATE SET vector = EXCLUDED.vector`,
  upsertStatus: `INSERT INTO video_status (space_id, video_id, status, error_code, error_message, attempts, too_short, updated_at)
    VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT (space_id, video_id) DO UPDATE SET status = EXCLUDED.status,
      error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
      attempts = video_status.attempts + 1, too_short = EXCLUDED.too_short, updated_at = EXCLUDED.updated_at
    RETURNING *`,
  clips: `SELECT clip_index, crop, frame_indices, start_sec, end_sec, vector FROM clip_embeddings
    WHERE space_id = $1 AND video_id = $2 ORDER BY clip_index, crop`,
  counts: `SELECT COUNT(*) AS videos, COUNT(*) FILTER (WHERE s.status = 'ok') AS ok,
      COUNT(*) FILTER (WHERE s.status = 'failed') AS failed,
      (SELECT COUNT(*) FROM clip_embeddings c JOIN videos cv ON cv.id = c.video_id
        WHERE c.space_id = $1 AND cv.path IS NOT NULL) AS clips
    FROM videos v LEFT JOIN video_status s ON s.video_id = v.id AND s.space_id = $1 WHERE v.path IS NOT NULL`,
} as const;

/** The filters of `listVideos`, as conditions on its status join. */
const STATUS_FILTERS = {
  all: "",
  ok: "AND s.status = 'ok'",
  failed: "AND s.status = 'failed'",
  pending: "AND s.status IS NULL",
} as const;

/**
 * True for a filter {@link listVideosSql} knows.
 *
 * @example
 * isStatusFilter("pending"); // true
 */
export function isStatusFilter(filter: unknown): filter is keyof typeof STATUS_FILTERS {
  return typeof filter === "string" && Object.hasOwn(STATUS_FILTERS, filter);
}

/**
 * The videos with a path, by id, each with its status columns in space `$1` (`status_updated_at` for the
 * status's own timestamp), narrowed by a status filter.
 *
 * @example
 * listVideosSql("failed"); // "SELECT v.*, s.status, … AND s.status = 'failed' ORDER BY v.id"
 */
export function listVideosSql(filter: keyof typeof STATUS_FILTERS): string {
  return `SELECT v.*, s.status, s.error_code, s.error_message, s.attempts, s.too_short,
      s.updated_at AS status_updated_at
    FROM videos v LEFT JOIN video_status s ON s.video_id = v.id AND s.space_id = $1
    WHERE v.path IS NOT NULL ${STATUS_FILTERS[filter]} ORDER BY v.id`;
}

/** Rows per page of `loadVectors`: fetching pages beats a row-at-a-time iterator. */
export const LOAD_PAGE_ROWS = 2048;

/**
 * Per level, the statements behind `loadVectors`: `count` counts a space's rows, `page` reads the next
 * {@link LOAD_PAGE_ROWS} after a key (`$2`… hold the previous page's last key; the key is the table's clustered
 * key after `space_id`, so also the order) as value arrays ending with the vector, and `row` maps such an array.
 *
 * @example
 * const { count, page, row, keyLength } = VECTOR_QUERIES.clip;
 */
export const VECTOR_QUERIES: Record<
  VectorLevel,
  { count: string; page: string; keyLength: number; row: (r: unknown[]) => VectorRow }
> = {
  video: vectorQueries(["e.video_id"], "v.path, v.label", "video_embeddings", (r) => ({
    videoId: r[0] as number,
    path: r[1] as string,
    label: r[2] as string | null,
  })),
  clip: vectorQueries(
    ["e.video_id", "e.clip_index", "e.crop"],
    "v.path, v.label, e.start_sec, e.end_sec",
    "clip_embeddings",
    (r) => ({
      videoId: r[0] as number,
      clipIndex: r[1] as number,
      crop: r[2] as number,
      path: r[3] as string,
      label: r[4] as string | null,
      startSec: r[5] as number,
      endSec: r[6] as number,
    }),
  ),
};

function vectorQueries(key: string[], select: string, table: string, row: (r: unknown[]) => VectorRow) {
  const from = `${table} e JOIN videos v ON v.id = e.video_id WHERE e.space_id = $1 AND v.path IS NOT NULL`;
  // Keyset pagination: each page starts after the previous page's last key.
  const after = `(${key.join(", ")}) > (${key.map((_, i) => `$${i + 2}`).join(", ")})`;
  return {
    count: `SELECT COUNT(*) AS n FROM ${from}`,
    page: `SELECT ${key.join(", ")}, ${select}, e.vector FROM ${from} AND ${after}
      ORDER BY ${key.join(", ")} LIMIT ${LOAD_PAGE_ROWS}`,
    keyLength: key.length,
    row,
  };
}
