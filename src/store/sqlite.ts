/**
 * The embedding store in one SQLite file (better-sqlite3), in WAL mode.
 *
 * Crash safety: every write method is one transaction, so `kill -9` loses at most the call in flight and never
 * leaves a half-written video. `synchronous=NORMAL` is enough for that: in WAL mode a commit is complete once its
 * frames are written to the WAL file, which the OS keeps when the process dies; NORMAL only skips the fsync per
 * commit, so a power cut (not a process kill) may roll back the last commits, still without corrupting the file.
 * FULL would add an fsync to every saved batch for a guarantee the resumable pipeline does not need.
 */
import Database from "better-sqlite3";
import type { Database as Db, Statement } from "better-sqlite3";
import { z } from "zod";
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import { parseInput, videoEmbeddingsSchema, videoFailureSchema, videoFileSchema } from "./input.js";
import {
  type ColumnRow,
  SQLITE_COLUMNS,
  checkSchema,
  checkVectorSizes,
  createSqliteFile,
  damagedStore,
  firstVectorLength,
  inspectSqliteFile,
} from "./integrity.js";
import { replacedLabel } from "./labels.js";
import { migrate, schemaVersion } from "./migrations.js";
import {
  checkBlob,
  clipFromRow,
  spaceFromRow,
  statusFromRow,
  vectorToBlob,
  videoFromRow,
  type ClipRow,
  type SpaceRow,
  type StatusRow,
  type VideoRow,
} from "./rows.js";
import { SQLITE_MIGRATIONS } from "./schema.js";
import { normalizeSpaceSpec, spaceKey } from "./space.js";
import {
  VECTOR_LEVELS,
  type ClipRecord,
  type EmbeddingSpace,
  type EmbeddingSpaceSpec,
  type EmbeddingStore,
  type LoadedVectors,
  type SpaceCounts,
  type StatusFilter,
  type VectorLevel,
  type VectorRow,
  type VideoEmbeddings,
  type VideoFailure,
  type VideoFile,
  type UpsertedVideo,
  type VideoRecord,
  type VideoStatus,
  type VideoWithStatus,
} from "./types.js";

/**
 * Per level: the rows behind {@link SqliteStore.loadVectors}. The select list starts with the `key` columns (the
 * table's clustered key after `space_id`, so also the order) and ends with the vector.
 */
const VECTOR_QUERIES: Record<
  VectorLevel,
  { key: string[]; select: string; from: string; row: (r: unknown[]) => VectorRow }
> = {
  video: {
    key: ["e.video_id"],
    select: "v.path, v.label",
    from: "video_embeddings e JOIN videos v ON v.id = e.video_id WHERE e.space_id = ? AND v.path IS NOT NULL",
    row: (r) => ({ videoId: r[0] as number, path: r[1] as string, label: r[2] as string | null }),
  },
  clip: {
    key: ["e.video_id", "e.clip_index", "e.crop"],
    select: "v.path, v.label, e.start_sec, e.end_sec",
    from: "clip_embeddings e JOIN videos v ON v.id = e.video_id WHERE e.space_id = ? AND v.path IS NOT NULL",
    row: (r) => ({
      videoId: r[0] as number,
      clipIndex: r[1] as number,
      crop: r[2] as number,
      path: r[3] as string,
      label: r[4] as string | null,
      startSec: r[5] as number,
      endSec: r[6] as number,
    }),
  },
};

/** Rows per page of {@link SqliteStore.loadVectors}: fetching pages beats a row-at-a-time iterator. */
const LOAD_PAGE_ROWS = 2048;

const STATUS_FILTERS: Record<StatusFilter | "all", string> = {
  all: "",
  ok: "AND s.status = 'ok'",
  failed: "AND s.status = 'failed'",
  pending: "AND s.status IS NULL",
};

type ListRow = VideoRow &
  Omit<StatusRow, "space_id" | "video_id" | "updated_at"> & { status_updated_at: string };

const SQL = {
  insertSpace: `INSERT INTO embedding_spaces (key, model, revision, weights_hash, pooling, sampling, precision, dim, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
  spaceById: "SELECT * FROM embedding_spaces WHERE id = ?",
  spaceByKey: "SELECT * FROM embedding_spaces WHERE key = ?",
  spaces: "SELECT * FROM embedding_spaces ORDER BY id",
  // Tables besides SQLite's own and the migration record: in a database at version 0, another program's.
  otherTables: `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'
    AND substr(name, 1, 7) <> 'sqlite_'`,
  // The path now shows other content: the old content's row lets go of it (and keeps its embeddings).
  detachPath: "UPDATE videos SET path = NULL, updated_at = ? WHERE path = ? AND content_hash <> ?",
  upsertVideo: `INSERT INTO videos (content_hash, path, size_bytes, mtime_ms, probe, label, created_at, updated_at)
    VALUES (@hash, @path, @size, @mtime, @probe, @label, @now, @now)
    ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, size_bytes = excluded.size_bytes,
      mtime_ms = excluded.mtime_ms, updated_at = excluded.updated_at,
      probe = CASE WHEN @probeGiven THEN excluded.probe ELSE videos.probe END,
      label = CASE WHEN @labelGiven THEN excluded.label ELSE videos.label END
    RETURNING *`,
  videoById: "SELECT * FROM videos WHERE id = ?",
  videoByHash: "SELECT * FROM videos WHERE content_hash = ?",
  labelByHash: "SELECT path, label FROM videos WHERE content_hash = ?",
  videoByPath: "SELECT * FROM videos WHERE path = ?",
  setLabel: "UPDATE videos SET label = ?, updated_at = ? WHERE id = ?",
  status: "SELECT * FROM video_status WHERE space_id = ? AND video_id = ?",
  deleteClips: "DELETE FROM clip_embeddings WHERE space_id = ? AND video_id = ?",
  deleteVideoVector: "DELETE FROM video_embeddings WHERE space_id = ? AND video_id = ?",
  upsertClip: `INSERT INTO clip_embeddings (space_id, video_id, clip_index, crop, frame_indices, start_sec, end_sec, vector)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (space_id, video_id, clip_index, crop) DO UPDATE SET
      frame_indices = excluded.frame_indices, start_sec = excluded.start_sec, end_sec = excluded.end_sec, vector = excluded.vector`,
  upsertVideoVector: `INSERT INTO video_embeddings (space_id, video_id, vector) VALUES (?, ?, ?)
    ON CONFLICT (space_id, video_id) DO UPDATE SET vector = excluded.vector`,
  upsertStatus: `INSERT INTO video_status (space_id, video_id, status, error_code, error_message, attempts, too_short, updated_at)
    VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (space_id, video_id) DO UPDATE SET status = excluded.status,
      error_code = excluded.error_code, error_message = excluded.error_message, attempts = video_status.attempts + 1,
      too_short = excluded.too_short, updated_at = excluded.updated_at
    RETURNING *`,
  clips: `SELECT clip_index, crop, frame_indices, start_sec, end_sec, vector FROM clip_embeddings
    WHERE space_id = ? AND video_id = ? ORDER BY clip_index, crop`,
  counts: `SELECT COUNT(*) AS videos, COALESCE(SUM(s.status = 'ok'), 0) AS ok, COALESCE(SUM(s.status = 'failed'), 0) AS failed
    FROM videos v LEFT JOIN video_status s ON s.video_id = v.id AND s.space_id = ? WHERE v.path IS NOT NULL`,
  clipCount: `SELECT COUNT(*) FROM clip_embeddings c JOIN videos v ON v.id = c.video_id
    WHERE c.space_id = ? AND v.path IS NOT NULL`,
} as const;

/** Connection settings, for a new file before its schema is written and for every open. */
function configure(db: Db): void {
  // Takes effect only when the file is created: large pages keep a whole vector inside its page.
  db.pragma("page_size = 32768");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  // Reads of big spaces copy straight from the mapped file instead of through read() calls.
  db.pragma("mmap_size = 1073741824");
}

function now(): string {
  return new Date().toISOString();
}

/**
 * {@link EmbeddingStore} in a SQLite file; one process may write while others read. Open with
 * {@link SqliteStore.open}.
 *
 * @example
 * const store = await SqliteStore.open("embeddings.db");
 * const space = await store.ensureSpace(spec);
 * const { data, rows, dim } = await store.loadVectors(space.id, { level: "video" });
 * await store.close();
 */
export class SqliteStore implements EmbeddingStore {
  /** Spaces never change once created, so each is read once. */
  private readonly spaces = new Map<number, EmbeddingSpace>();
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  private constructor(
    private readonly db: Db,
    /** The database file, as given to {@link SqliteStore.open}. */
    readonly path: string,
  ) {}

  /**
   * Opens (creating if needed) a store file and brings its schema up to date.
   *
   * @param path - the database file; `:memory:` for a throwaway store
   * @throws VidmaeError E_STORE naming the file and what is wrong: it cannot be opened, is a directory, empty, not
   *   a database or another program's, has a newer schema, lacks a table or column, or holds vectors of the
   *   wrong size
   * @example
   * const store = await SqliteStore.open("embeddings.db");
   */
  static async open(path: string): Promise<SqliteStore> {
    const memory = path === ":memory:" || path === "";
    let db: Db;
    try {
      if (!memory && (await inspectSqliteFile(path)) === "missing") {
        await createSqliteFile(path, (created) => {
          configure(created);
          migrate(created, SQLITE_MIGRATIONS, path);
        });
      }
      db = new Database(path, { timeout: 10_000, fileMustExist: !memory });
    } catch (error) {
      throw wrapError(error, "E_STORE", `Cannot open embedding store ${path}`);
    }
    try {
      if (schemaVersion(db) === 0) {
        const tables = db.prepare(SQL.otherTables).pluck().all() as string[];
        // Checked before any pragma writes: another program's database is left exactly as it is.
        if (tables.length > 0)
          throw damagedStore(
            path,
            `it is a SQLite database of another program (tables: ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""})`,
          );
      }
      configure(db);
      migrate(db, SQLITE_MIGRATIONS, path);
      checkSchema(db.prepare(SQLITE_COLUMNS).all() as ColumnRow[], path);
      const spaces = db.prepare(SQL.spaces).all() as SpaceRow[];
      await checkVectorSizes(
        spaces,
        (table, id) =>
          (db.prepare(firstVectorLength(table, "?")).pluck().get(id) as number | undefined) ?? null,
        path,
      );
    } catch (error) {
      db.close();
      throw wrapError(error, "E_STORE", `Cannot open embedding store ${path}`);
    }
    return new SqliteStore(db, path);
  }

  /** A cached prepared statement (raw or object rows as the caller sets them each time). */
  private sql<R = unknown>(source: string): Statement<unknown[], R> {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement as Statement<unknown[], R>;
  }

  /** Runs `fn`, turning driver errors into E_STORE errors that say what was being done. */
  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw wrapError(error, "E_STORE", `Cannot ${action} in ${this.path}`);
    }
  }

  /**
   * Runs `fn` as one write transaction. IMMEDIATE takes the write lock up front, so a second writer waits for the
   * busy timeout instead of failing when it upgrades a read snapshot that went stale.
   */
  private write<T>(action: string, fn: () => T): T {
    return this.guard(action, () => this.db.transaction(fn).immediate());
  }

  private requireSpace(spaceId: number): EmbeddingSpace {
    const cached = this.spaces.get(spaceId);
    if (cached) return cached;
    if (!Number.isSafeInteger(spaceId)) throw invalidParameterError("spaceId", "integer", spaceId);
    const row = this.guard("read spaces", () => this.sql<SpaceRow>(SQL.spaceById).get(spaceId));
    if (!row) throw new VidmaeError("E_STORE", `No embedding space with id ${spaceId} in ${this.path}`);
    const space = spaceFromRow(row);
    this.spaces.set(space.id, space);
    return space;
  }

  async ensureSpace(spec: EmbeddingSpaceSpec): Promise<EmbeddingSpace> {
    const s = normalizeSpaceSpec(spec);
    const key = spaceKey(s);
    const row = this.guard("create an embedding space", () => {
      this.sql(SQL.insertSpace).run(
        key,
        s.model,
        s.revision,
        s.weightsHash,
        s.pooling,
        JSON.stringify(s.sampling),
        s.precision,
        s.dim,
        now(),
      );
      return this.sql<SpaceRow>(SQL.spaceByKey).get(key) as SpaceRow;
    });
    return spaceFromRow(row);
  }

  async getSpace(idOrKey: number | string): Promise<EmbeddingSpace | null> {
    const byId = typeof idOrKey === "number";
    if (!byId && typeof idOrKey !== "string")
      throw invalidParameterError("idOrKey", "space id or key", idOrKey);
    const row = this.guard("read spaces", () =>
      this.sql<SpaceRow>(byId ? SQL.spaceById : SQL.spaceByKey).get(idOrKey),
    );
    return row ? spaceFromRow(row) : null;
  }

  async listSpaces(): Promise<EmbeddingSpace[]> {
    return this.guard("read spaces", () => this.sql<SpaceRow>(SQL.spaces).all()).map(spaceFromRow);
  }

  async upsertVideos(files: readonly VideoFile[]): Promise<UpsertedVideo[]> {
    const parsed = parseInput(z.array(videoFileSchema, { error: "array" }), files, "files");
    const rows = this.write("save videos", () =>
      parsed.map((f) => {
        const at = now();
        type Before = Pick<VideoRow, "path" | "label">;
        const replaced = replacedLabel(this.sql<Before>(SQL.labelByHash).get(f.contentHash), f);
        this.sql(SQL.detachPath).run(at, f.path, f.contentHash);
        const row = this.sql<VideoRow>(SQL.upsertVideo).get({
          hash: f.contentHash,
          path: f.path,
          size: f.sizeBytes,
          mtime: f.mtimeMs,
          probe: f.probe == null ? null : JSON.stringify(f.probe),
          label: f.label ?? null,
          now: at,
          probeGiven: f.probe === undefined ? 0 : 1,
          labelGiven: f.label === undefined ? 0 : 1,
        }) as VideoRow;
        return { row, replaced };
      }),
    );
    return rows.map(({ row, replaced }) => ({
      ...videoFromRow(row),
      ...(replaced && { replacedLabel: replaced }),
    }));
  }

  private videoBy(query: string, value: number | string): VideoRecord | null {
    const row = this.guard("read videos", () => this.sql<VideoRow>(query).get(value));
    return row ? videoFromRow(row) : null;
  }

  async getVideo(id: number): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoById, id);
  }

  async findVideoByHash(contentHash: string): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoByHash, contentHash);
  }

  async findVideoByPath(path: string): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoByPath, path);
  }

  async setLabel(videoId: number, label: string | null): Promise<void> {
    if (label !== null && typeof label !== "string")
      throw invalidParameterError("label", "string or null", label);
    const { changes } = this.guard("set a label", () => this.sql(SQL.setLabel).run(label, now(), videoId));
    if (changes === 0) throw new VidmaeError("E_STORE", `No video with id ${videoId} in ${this.path}`);
  }

  async status(spaceId: number, videoId: number): Promise<VideoStatus | null> {
    const row = this.guard("read statuses", () => this.sql<StatusRow>(SQL.status).get(spaceId, videoId));
    return row ? statusFromRow(row) : null;
  }

  async listVideos(spaceId: number, options: { status?: StatusFilter } = {}): Promise<VideoWithStatus[]> {
    const filter = options.status ?? "all";
    if (!Object.hasOwn(STATUS_FILTERS, filter)) {
      throw invalidParameterError("status", "one of: ok, failed, pending", options.status);
    }
    this.requireSpace(spaceId);
    const query = `SELECT v.*, s.status, s.error_code, s.error_message, s.attempts, s.too_short,
        s.updated_at AS status_updated_at
      FROM videos v LEFT JOIN video_status s ON s.video_id = v.id AND s.space_id = ?
      WHERE v.path IS NOT NULL ${STATUS_FILTERS[filter]} ORDER BY v.id`;
    const rows = this.guard("list videos", () => this.sql<ListRow>(query).all(spaceId));
    return rows.map((r) => ({
      ...videoFromRow(r),
      status:
        r.status === null
          ? null
          : statusFromRow({ ...r, space_id: spaceId, video_id: r.id, updated_at: r.status_updated_at }),
    }));
  }

  async saveEmbeddings(spaceId: number, batch: readonly VideoEmbeddings[]): Promise<void> {
    const { dim } = this.requireSpace(spaceId);
    const items = parseInput(z.array(videoEmbeddingsSchema, { error: "array" }), batch, "batch");
    items.forEach((item, i) => {
      const check = (vector: Float32Array, what: string) => {
        if (vector.length !== dim) {
          throw new VidmaeError(
            "E_SHAPE",
            `Vector batch[${i}].${what} has ${vector.length} values but space ${spaceId} has dimension ${dim}`,
          );
        }
      };
      check(item.videoVector, "videoVector");
      item.clips.forEach((clip, j) => check(clip.vector, `clips[${j}].vector`));
    });
    this.write(`save embeddings in space ${spaceId}`, () => {
      const at = now();
      for (const { videoId, clips, videoVector, tooShort } of items) {
        this.sql(SQL.deleteClips).run(spaceId, videoId);
        for (const c of clips) {
          this.sql(SQL.upsertClip).run(
            spaceId,
            videoId,
            c.clipIndex,
            c.crop,
            JSON.stringify(c.frameIndices),
            c.startSec,
            c.endSec,
            vectorToBlob(c.vector),
          );
        }
        this.sql(SQL.upsertVideoVector).run(spaceId, videoId, vectorToBlob(videoVector));
        this.sql(SQL.upsertStatus).get(spaceId, videoId, "ok", null, null, tooShort ? 1 : 0, at);
      }
    });
  }

  async saveFailure(spaceId: number, videoId: number, failure: VideoFailure): Promise<VideoStatus> {
    this.requireSpace(spaceId);
    const { code, message } = parseInput(videoFailureSchema, failure, "failure");
    const row = this.write(`save a failure in space ${spaceId}`, () => {
      this.sql(SQL.deleteClips).run(spaceId, videoId);
      this.sql(SQL.deleteVideoVector).run(spaceId, videoId);
      return this.sql<StatusRow>(SQL.upsertStatus).get(
        spaceId,
        videoId,
        "failed",
        code,
        message,
        0,
        now(),
      ) as StatusRow;
    });
    return statusFromRow(row);
  }

  async getClips(spaceId: number, videoId: number): Promise<ClipRecord[]> {
    const { dim } = this.requireSpace(spaceId);
    const rows = this.guard("read clips", () => this.sql<ClipRow>(SQL.clips).all(spaceId, videoId));
    return rows.map((r) => clipFromRow(r, dim, `video ${videoId} in space ${spaceId} of ${this.path}`));
  }

  async loadVectors(spaceId: number, options: { level: VectorLevel }): Promise<LoadedVectors> {
    const level = options?.level;
    if (!VECTOR_LEVELS.includes(level))
      throw invalidParameterError("level", `one of: ${VECTOR_LEVELS.join(", ")}`, level);
    const { dim } = this.requireSpace(spaceId);
    const q = VECTOR_QUERIES[level];
    const count = this.sql<number>(`SELECT COUNT(*) FROM ${q.from}`).pluck();
    // Keyset pagination: each page starts after the previous page's last key.
    const after = `(${q.key.join(", ")}) > (${q.key.map(() => "?").join(", ")})`;
    const page = this.sql<unknown[]>(
      `SELECT ${q.key.join(", ")}, ${q.select}, e.vector FROM ${q.from} AND ${after} ORDER BY ${q.key.join(", ")} LIMIT ${LOAD_PAGE_ROWS}`,
    ).raw();
    // Count and pages are read in one transaction, so they see the same snapshot while a writer goes on.
    return this.guard(`load vectors of space ${spaceId}`, () =>
      this.db.transaction(() => {
        const n = count.get(spaceId) as number;
        const data = new Float32Array(n * dim);
        const bytes = new Uint8Array(data.buffer);
        const rows: VectorRow[] = new Array(n);
        let key: unknown[] = q.key.map(() => -1);
        for (let i = 0; i < n;) {
          const got = page.all(spaceId, ...key);
          for (const r of got) {
            const blob = r[r.length - 1] as Uint8Array;
            checkBlob(blob, dim, `row ${i} of space ${spaceId} in ${this.path}`);
            bytes.set(blob, i * dim * 4);
            rows[i++] = q.row(r);
          }
          key = got[got.length - 1].slice(0, q.key.length);
        }
        return { dim, data, rows };
      })(),
    );
  }

  async counts(spaceId: number): Promise<SpaceCounts> {
    this.requireSpace(spaceId);
    return this.guard("count videos", () => {
      const c = this.sql<{ videos: number; ok: number; failed: number }>(SQL.counts).get(spaceId)!;
      const clips = this.sql<number>(SQL.clipCount).pluck().get(spaceId) as number;
      return { videos: c.videos, ok: c.ok, failed: c.failed, pending: c.videos - c.ok - c.failed, clips };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
