/**
 * The embedding store in PostgreSQL, for many writers on many machines (distributed workers): the logical schema
 * of the SQLite store (postgres-schema.ts), float32 little-endian vectors in BYTEA, idempotent upserts on the
 * natural keys, one transaction per write call.
 *
 * Rows come back in the shapes rows.ts maps for SQLite: the pool's type parsers return BIGINT as numbers, JSONB
 * as its text and TIMESTAMPTZ as ISO-8601 strings. A server restart or a dropped connection is retried (the pool
 * opens new connections) for up to `reconnectMs`; conflicts between concurrent writers are retried a few times.
 */
import pg from "pg";
import type { Pool, PoolClient, QueryResultRow } from "pg";
import { z } from "zod";
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import { parseInput, videoEmbeddingsSchema, videoFailureSchema, videoFileSchema } from "./input.js";
import {
  type ColumnRow,
  POSTGRES_COLUMNS,
  checkSchema,
  checkVectorSizes,
  firstVectorLength,
} from "./integrity.js";
import { replacedLabel } from "./labels.js";
import { POSTGRES_MIGRATIONS, migratePostgres } from "./postgres-schema.js";
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

/** Options of {@link PgStore.open}. */
export interface PgStoreOptions {
  /** A schema to keep the tables in (created if missing); default: the connection's search path (`public`). */
  schema?: string;
  /** Connections in the pool. @defaultValue 4 */
  poolSize?: number;
  /** How long a call keeps retrying while the server is unreachable. @defaultValue 60000 */
  reconnectMs?: number;
}

/** True for `postgres://` and `postgresql://` URLs, which name a PostgreSQL store rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * A URL as it may appear in messages and logs: without password and query string.
 *
 * @example
 * redactUrl("postgres://vidmae:secret@db:5432/vidmae?sslmode=require"); // "postgres://vidmae@db:5432/vidmae"
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//…@");
  }
}

const OID = { int8: 20, json: 114, jsonb: 3802, timestamptz: 1184 } as const;
const defaultTimestamptz = pg.types.getTypeParser(OID.timestamptz) as (text: string) => Date;

/** Type parsers that give rows.ts the values SQLite gives it (see the file comment). */
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    switch (oid) {
      case OID.int8:
        return (text: string) => Number(text);
      case OID.json:
      case OID.jsonb:
        return (text: string) => text;
      case OID.timestamptz:
        return (text: string) => defaultTimestamptz(text).toISOString();
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;

/** SQLSTATEs of a lost or refused connection, or of a server going down or starting up. */
const CONNECTION_STATES = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03"]);
const CONNECTION_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);
/** Serialization failure, deadlock, and a unique key taken by a concurrent writer between check and insert. */
const CONFLICT_STATES = new Set(["40001", "40P01", "23505"]);
const MAX_CONFLICT_RETRIES = 5;

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && (CONNECTION_STATES.has(code) || CONNECTION_ERRNOS.has(code))) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|not queryable|Client was closed/i.test(message);
}

function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && CONFLICT_STATES.has(code);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STATUS_FILTERS: Record<StatusFilter | "all", string> = {
  all: "",
  ok: "AND s.status = 'ok'",
  failed: "AND s.status = 'failed'",
  pending: "AND s.status IS NULL",
};

type ListRow = VideoRow &
  Omit<StatusRow, "space_id" | "video_id" | "updated_at"> & { status_updated_at: string };

/** Per level: the vectors of a space in key order (the cursor of {@link PgStore.loadVectors}) and its row mapping. */
const VECTOR_QUERIES: Record<VectorLevel, { sql: string; row: (r: unknown[]) => VectorRow }> = {
  video: {
    sql: `SELECT e.video_id, v.path, v.label, e.vector FROM video_embeddings e JOIN videos v ON v.id = e.video_id
      WHERE e.space_id = $1 AND v.path IS NOT NULL ORDER BY e.video_id`,
    row: (r) => ({ videoId: r[0] as number, path: r[1] as string, label: r[2] as string | null }),
  },
  clip: {
    sql: `SELECT e.video_id, e.clip_index, e.crop, v.path, v.label, e.start_sec, e.end_sec, e.vector
      FROM clip_embeddings e JOIN videos v ON v.id = e.video_id
      WHERE e.space_id = $1 AND v.path IS NOT NULL ORDER BY e.video_id, e.clip_index, e.crop`,
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

/** Rows per FETCH of {@link PgStore.loadVectors}. */
const LOAD_PAGE_ROWS = 2048;

const SQL = {
  spaceById: "SELECT * FROM embedding_spaces WHERE id = $1",
  spaceByKey: "SELECT * FROM embedding_spaces WHERE key = $1",
  spaces: "SELECT * FROM embedding_spaces ORDER BY id",
  insertSpace: `INSERT INTO embedding_spaces (key, model, revision, weights_hash, pooling, sampling, precision, dim, created_at)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
  // The path now shows other content: the old content's row lets go of it (and keeps its embeddings).
  detachPath: "UPDATE videos SET path = NULL, updated_at = $1 WHERE path = $2 AND content_hash <> $3",
  upsertVideo: `INSERT INTO videos (content_hash, path, size_bytes, mtime_ms, probe, label, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7)
    ON CONFLICT (content_hash) DO UPDATE SET path = EXCLUDED.path, size_bytes = EXCLUDED.size_bytes,
      mtime_ms = EXCLUDED.mtime_ms, updated_at = EXCLUDED.updated_at,
      probe = CASE WHEN $8 THEN EXCLUDED.probe ELSE videos.probe END,
      label = CASE WHEN $9 THEN EXCLUDED.label ELSE videos.label END
    RETURNING *`,
  videoById: "SELECT * FROM videos WHERE id = $1",
  videoByHash: "SELECT * FROM videos WHERE content_hash = $1",
  labelByHash: "SELECT path, label FROM videos WHERE content_hash = $1",
  videoByPath: "SELECT * FROM videos WHERE path = $1",
  setLabel: "UPDATE videos SET label = $1, updated_at = $2 WHERE id = $3",
  status: "SELECT * FROM video_status WHERE space_id = $1 AND video_id = $2",
  // Writers of the same video take turns (in id order, so two batches cannot deadlock) instead of interleaving
  // their deletes and inserts; foreign key checks of other writers (KEY SHARE) are not blocked.
  lockVideos: "SELECT id FROM videos WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
  deleteClips: "DELETE FROM clip_embeddings WHERE space_id = $1 AND video_id = $2",
  deleteVideoVector: "DELETE FROM video_embeddings WHERE space_id = $1 AND video_id = $2",
  insertClips: `INSERT INTO clip_embeddings (space_id, video_id, clip_index, crop, frame_indices, start_sec, end_sec, vector)
    SELECT $1, $2, c.clip_index, c.crop, c.frame_indices::jsonb, c.start_sec, c.end_sec, c.vector
    FROM unnest($3::int[], $4::int[], $5::text[], $6::float8[], $7::float8[], $8::bytea[])
      AS c (clip_index, crop, frame_indices, start_sec, end_sec, vector)`,
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

function now(): string {
  return new Date().toISOString();
}

/** How a call runs: a single statement, a write transaction, or a read-only snapshot. */
type Mode = "statement" | "write" | "snapshot";

const BEGIN: Record<Exclude<Mode, "statement">, string> = {
  write: "BEGIN",
  snapshot: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};

/**
 * {@link EmbeddingStore} in a PostgreSQL database, shared by any number of processes. Open with
 * {@link PgStore.open}; close to end the pool.
 *
 * @example
 * const store = await PgStore.open("postgres://vidmae:secret@db.internal/vidmae");
 * const space = await store.ensureSpace(spec);
 * const { data, rows, dim } = await store.loadVectors(space.id, { level: "video" });
 * await store.close();
 */
export class PgStore implements EmbeddingStore {
  /** Spaces never change once created, so each is read once. */
  private readonly spaces = new Map<number, EmbeddingSpace>();

  private constructor(
    private readonly pool: Pool,
    /** The database as named in messages (no password). */
    readonly where: string,
    private readonly reconnectMs: number,
  ) {}

  /**
   * Connects (waiting up to `reconnectMs` for a server that is still starting) and brings the schema up to date.
   *
   * @param url - `postgres://user:password@host:port/database` (libpq parameters such as `sslmode` allowed)
   * @throws VidmaeError E_INVALID_ARGUMENT for a bad option; E_STORE when the database cannot be reached, refuses
   *   the login, has a newer schema, lacks a table or column, or holds vectors of the wrong size
   * @example
   * const store = await PgStore.open(process.env.DATABASE_URL!, { schema: "vidmae" });
   */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    if (typeof url !== "string" || !isPostgresUrl(url))
      throw invalidParameterError("url", "postgres:// URL", url);
    const opts = parseInput(optionsSchema, options, "options");
    const where = redactUrl(url) + (opts.schema ? ` (schema ${opts.schema})` : "");
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize,
      types: TYPES,
      connectionTimeoutMillis: 10_000,
      application_name: "vidmae",
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // A pooled idle connection dropped by the server (restart, timeout) is discarded by the pool; without a
    // listener the 'error' event would end the process.
    pool.on("error", () => {});
    const store = new PgStore(pool, where, opts.reconnectMs);
    try {
      await store.run(`Cannot open embedding store ${where}`, "statement", async (client) => {
        if (opts.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
        await migratePostgres(client, POSTGRES_MIGRATIONS, where);
        checkSchema((await client.query<ColumnRow>(POSTGRES_COLUMNS)).rows, where);
        const spaces = (await client.query<SpaceRow>(SQL.spaces)).rows;
        const first = async (table: string, id: number) =>
          (await client.query<{ n: number }>(firstVectorLength(table, "$1"), [id])).rows[0]?.n ?? null;
        await checkVectorSizes(spaces, first, where);
      });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  /** The start of an error message: `Cannot <action> in <database>`. */
  private doing(action: string): string {
    return `Cannot ${action} in ${this.where}`;
  }

  /**
   * Runs `fn` on a pooled connection, in a transaction unless `mode` is `statement`. Lost connections are retried
   * with backoff until `reconnectMs` has passed, conflicts a few times; other driver errors become E_STORE errors
   * starting with `context`. VidmaeErrors thrown by `fn` pass through.
   */
  private async run<T>(context: string, mode: Mode, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const started = Date.now();
    let conflicts = 0;
    for (let attempt = 0; ; attempt++) {
      let client: PoolClient | undefined;
      try {
        client = await this.pool.connect();
        if (mode !== "statement") await client.query(BEGIN[mode]);
        const result = await fn(client);
        if (mode !== "statement") await client.query("COMMIT");
        client.release();
        return result;
      } catch (error) {
        if (client) {
          if (mode !== "statement") await client.query("ROLLBACK").catch(() => {});
          // A connection that failed is closed rather than handed to the next caller.
          client.release(isConnectionError(error) ? (error as Error) : undefined);
        }
        if (error instanceof VidmaeError) throw error;
        const retry =
          (isConnectionError(error) && Date.now() - started < this.reconnectMs) ||
          (isConflict(error) && ++conflicts <= MAX_CONFLICT_RETRIES);
        if (!retry) throw wrapError(error, "E_STORE", context);
        await sleep(Math.min(100 * 2 ** attempt, 2000) * (0.5 + Math.random() / 2));
      }
    }
  }

  private async rows<R extends QueryResultRow>(action: string, sql: string, values: unknown[]): Promise<R[]> {
    return this.run(this.doing(action), "statement", async (c) => (await c.query<R>(sql, values)).rows);
  }

  private async requireSpace(spaceId: number): Promise<EmbeddingSpace> {
    const cached = this.spaces.get(spaceId);
    if (cached) return cached;
    if (!Number.isSafeInteger(spaceId)) throw invalidParameterError("spaceId", "integer", spaceId);
    const [row] = await this.rows<SpaceRow>("read spaces", SQL.spaceById, [spaceId]);
    if (!row) throw new VidmaeError("E_STORE", `No embedding space with id ${spaceId} in ${this.where}`);
    const space = spaceFromRow(row);
    this.spaces.set(space.id, space);
    return space;
  }

  async ensureSpace(spec: EmbeddingSpaceSpec): Promise<EmbeddingSpace> {
    const s = normalizeSpaceSpec(spec);
    const key = spaceKey(s);
    const row = await this.run(this.doing("create an embedding space"), "write", async (c) => {
      const [found] = (await c.query<SpaceRow>(SQL.spaceByKey, [key])).rows;
      if (found) return found;
      const values = [key, s.model, s.revision, s.weightsHash, s.pooling, JSON.stringify(s.sampling)];
      await c.query(SQL.insertSpace, [...values, s.precision, s.dim, now()]);
      return (await c.query<SpaceRow>(SQL.spaceByKey, [key])).rows[0];
    });
    return spaceFromRow(row);
  }

  async getSpace(idOrKey: number | string): Promise<EmbeddingSpace | null> {
    const byId = typeof idOrKey === "number";
    if (!byId && typeof idOrKey !== "string")
      throw invalidParameterError("idOrKey", "space id or key", idOrKey);
    if (byId && !Number.isSafeInteger(idOrKey)) return null;
    const [row] = await this.rows<SpaceRow>("read spaces", byId ? SQL.spaceById : SQL.spaceByKey, [idOrKey]);
    return row ? spaceFromRow(row) : null;
  }

  async listSpaces(): Promise<EmbeddingSpace[]> {
    return (await this.rows<SpaceRow>("read spaces", SQL.spaces, [])).map(spaceFromRow);
  }

  async upsertVideos(files: readonly VideoFile[]): Promise<UpsertedVideo[]> {
    const parsed = parseInput(z.array(videoFileSchema, { error: "array" }), files, "files");
    const rows = await this.run(this.doing("save videos"), "write", async (c) => {
      const saved: UpsertedVideo[] = [];
      for (const f of parsed) {
        const at = now();
        type Before = Pick<VideoRow, "path" | "label">;
        const replaced = replacedLabel((await c.query<Before>(SQL.labelByHash, [f.contentHash])).rows[0], f);
        await c.query(SQL.detachPath, [at, f.path, f.contentHash]);
        const probe = f.probe == null ? null : JSON.stringify(f.probe);
        const values = [f.contentHash, f.path, f.sizeBytes, f.mtimeMs, probe, f.label ?? null, at];
        const {
          rows: [row],
        } = await c.query<VideoRow>(SQL.upsertVideo, [
          ...values,
          f.probe !== undefined,
          f.label !== undefined,
        ]);
        saved.push({ ...videoFromRow(row), ...(replaced && { replacedLabel: replaced }) });
      }
      return saved;
    });
    return rows;
  }

  private async videoBy(query: string, value: number | string): Promise<VideoRecord | null> {
    if (typeof value === "number" && !Number.isSafeInteger(value)) return null;
    const [row] = await this.rows<VideoRow>("read videos", query, [value]);
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
    const changed = await this.run(this.doing("set a label"), "statement", async (c) => {
      return Number.isSafeInteger(videoId)
        ? (await c.query(SQL.setLabel, [label, now(), videoId])).rowCount
        : 0;
    });
    if (!changed) throw new VidmaeError("E_STORE", `No video with id ${videoId} in ${this.where}`);
  }

  async status(spaceId: number, videoId: number): Promise<VideoStatus | null> {
    const [row] = await this.rows<StatusRow>("read statuses", SQL.status, [spaceId, videoId]);
    return row ? statusFromRow(row) : null;
  }

  async listVideos(spaceId: number, options: { status?: StatusFilter } = {}): Promise<VideoWithStatus[]> {
    const filter = options.status ?? "all";
    if (!Object.hasOwn(STATUS_FILTERS, filter)) {
      throw invalidParameterError("status", "one of: ok, failed, pending", options.status);
    }
    await this.requireSpace(spaceId);
    const query = `SELECT v.*, s.status, s.error_code, s.error_message, s.attempts, s.too_short,
        s.updated_at AS status_updated_at
      FROM videos v LEFT JOIN video_status s ON s.video_id = v.id AND s.space_id = $1
      WHERE v.path IS NOT NULL ${STATUS_FILTERS[filter]} ORDER BY v.id`;
    const rows = await this.rows<ListRow>("list videos", query, [spaceId]);
    return rows.map((r) => ({
      ...videoFromRow(r),
      status:
        r.status === null
          ? null
          : statusFromRow({ ...r, space_id: spaceId, video_id: r.id, updated_at: r.status_updated_at }),
    }));
  }

  async saveEmbeddings(spaceId: number, batch: readonly VideoEmbeddings[]): Promise<void> {
    const { dim } = await this.requireSpace(spaceId);
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
    await this.run(this.doing(`save embeddings in space ${spaceId}`), "write", async (c) => {
      await c.query(SQL.lockVideos, [items.map((item) => item.videoId)]);
      const at = now();
      for (const { videoId, clips, videoVector, tooShort } of items) {
        await c.query(SQL.deleteClips, [spaceId, videoId]);
        // One row per (clip, crop), the last given winning, as the SQLite store's per-row upserts leave it.
        const unique = [...new Map(clips.map((clip) => [`${clip.clipIndex}/${clip.crop}`, clip])).values()];
        await c.query(SQL.insertClips, [
          spaceId,
          videoId,
          unique.map((clip) => clip.clipIndex),
          unique.map((clip) => clip.crop),
          unique.map((clip) => JSON.stringify(clip.frameIndices)),
          unique.map((clip) => clip.startSec),
          unique.map((clip) => clip.endSec),
          unique.map((clip) => vectorToBlob(clip.vector)),
        ]);
        await c.query(SQL.upsertVideoVector, [spaceId, videoId, vectorToBlob(videoVector)]);
        await c.query(SQL.upsertStatus, [spaceId, videoId, "ok", null, null, tooShort, at]);
      }
    });
  }

  async saveFailure(spaceId: number, videoId: number, failure: VideoFailure): Promise<VideoStatus> {
    await this.requireSpace(spaceId);
    const { code, message } = parseInput(videoFailureSchema, failure, "failure");
    const row = await this.run(this.doing(`save a failure in space ${spaceId}`), "write", async (c) => {
      await c.query(SQL.lockVideos, [[videoId]]);
      await c.query(SQL.deleteClips, [spaceId, videoId]);
      await c.query(SQL.deleteVideoVector, [spaceId, videoId]);
      const values = [spaceId, videoId, "failed", code, message, false, now()];
      return (await c.query<StatusRow>(SQL.upsertStatus, values)).rows[0];
    });
    return statusFromRow(row);
  }

  async getClips(spaceId: number, videoId: number): Promise<ClipRecord[]> {
    const { dim } = await this.requireSpace(spaceId);
    const rows = await this.rows<ClipRow>("read clips", SQL.clips, [spaceId, videoId]);
    return rows.map((r) => clipFromRow(r, dim, `video ${videoId} in space ${spaceId} of ${this.where}`));
  }

  async loadVectors(spaceId: number, options: { level: VectorLevel }): Promise<LoadedVectors> {
    const level = options?.level;
    if (!VECTOR_LEVELS.includes(level))
      throw invalidParameterError("level", `one of: ${VECTOR_LEVELS.join(", ")}`, level);
    const { dim } = await this.requireSpace(spaceId);
    const q = VECTOR_QUERIES[level];
    // Count and rows come from one snapshot, so they agree while writers go on; a cursor pages through it.
    return this.run(this.doing(`load vectors of space ${spaceId}`), "snapshot", async (c) => {
      const count = await c.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (${q.sql}) AS q`, [spaceId]);
      const n = count.rows[0].n;
      const data = new Float32Array(n * dim);
      const bytes = new Uint8Array(data.buffer);
      const rows: VectorRow[] = new Array(n);
      // DECLARE takes no parameters; the id is a checked safe integer (requireSpace), so it is inlined.
      await c.query(`DECLARE vectors NO SCROLL CURSOR FOR ${q.sql.replace("$1", String(spaceId))}`);
      for (let i = 0; i < n;) {
        const page = await c.query<unknown[]>({
          text: `FETCH ${LOAD_PAGE_ROWS} FROM vectors`,
          rowMode: "array",
        });
        if (page.rows.length === 0) break;
        for (const r of page.rows) {
          const blob = r[r.length - 1] as Uint8Array;
          checkBlob(blob, dim, `row ${i} of space ${spaceId} in ${this.where}`);
          bytes.set(blob, i * dim * 4);
          rows[i++] = q.row(r);
        }
      }
      return { dim, data, rows };
    });
  }

  async counts(spaceId: number): Promise<SpaceCounts> {
    await this.requireSpace(spaceId);
    const [c] = await this.rows<{ videos: number; ok: number; failed: number; clips: number }>(
      "count videos",
      SQL.counts,
      [spaceId],
    );
    return {
      videos: c.videos,
      ok: c.ok,
      failed: c.failed,
      pending: c.videos - c.ok - c.failed,
      clips: c.clips,
    };
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

const optionsSchema = z.object(
  {
    schema: z
      .string({ error: "SQL identifier (letters, digits, _)" })
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: "SQL identifier (letters, digits, _)" })
      .optional(),
    poolSize: z.int({ error: "positive integer" }).positive({ error: "positive integer" }).default(4),
    reconnectMs: z
      .int({ error: "non-negative integer" })
      .nonnegative({ error: "non-negative integer" })
      .default(60_000),
  },
  { error: "object" },
);
