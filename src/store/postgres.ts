/**
 * The embedding store in PostgreSQL, for many writers on many machines (distributed workers): the SQLite store's
 * logical schema (schema.ts), float32 little-endian vectors in BYTEA, and the statements of the one store core
 * (core.ts), run with one transaction per write call on a pool of connections.
 *
 * Rows come back in the shapes rows.ts maps for SQLite: the pool's type parsers return BIGINT as numbers, JSONB
 * as its text and TIMESTAMPTZ as ISO-8601 strings. A server restart or a dropped connection is retried (the pool
 * opens new connections) for up to `reconnectMs`; conflicts between concurrent writers are retried a few times.
 */
import type Pg from "pg";
import type { Pool, PoolClient } from "pg";
import { z } from "zod";
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import { lazyRequire } from "../native.js";
import { parseInput } from "../space/input.js";
import { StoreCore, type Dialect, type Mode } from "./core.js";
import {
  type ColumnRow,
  POSTGRES_COLUMNS,
  checkSchema,
  checkVectorSizes,
  firstVectorLength,
} from "./integrity.js";
import { executePostgres, migratePostgres } from "./migrations.js";
import { vectorToBlob, type SpaceRow } from "./rows.js";
import { POSTGRES_MIGRATIONS } from "./schema.js";
import { SQL, driveAsync, type Plan } from "./statements.js";

/** Options of {@link PgStore.open}. */
export interface PgStoreOptions {
  /** A schema to keep the tables in (created if missing); default: the connection's search path (`public`). */
  schema?: string;
  /** Connections in the pool. @defaultValue 4 */
  poolSize?: number;
  /** How long a call keeps retrying while the server is unreachable. @defaultValue 60000 */
  reconnectMs?: number;
  /** Hears the one line a migration may report (relative paths of an older vidmae); default: a process warning. */
  onWarning?: (message: string) => void;
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
const pgDriver = lazyRequire<typeof Pg>("pg");

/** Type parsers that give rows.ts the values SQLite gives it (see the file comment); made when the first store opens. */
function typeParsers(pg: typeof Pg): Pg.CustomTypesConfig {
  const defaultTimestamptz = pg.types.getTypeParser(OID.timestamptz) as (text: string) => Date;
  return {
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
  } as Pg.CustomTypesConfig;
}

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

/** All clips of a video in one statement (one round trip), one row per (clip, crop), the last given winning. */
const DIALECT: Dialect = {
  insertClips(spaceId, videoId, clips) {
    const unique = [...new Map(clips.map((clip) => [`${clip.clipIndex}/${clip.crop}`, clip])).values()];
    const sql = `INSERT INTO clip_embeddings (space_id, video_id, clip_index, crop, frame_indices, start_sec, end_sec, vector)
      SELECT $1, $2, c.clip_index, c.crop, c.frame_indices::jsonb, c.start_sec, c.end_sec, c.vector
      FROM unnest($3::int[], $4::int[], $5::text[], $6::float8[], $7::float8[], $8::bytea[])
        AS c (clip_index, crop, frame_indices, start_sec, end_sec, vector)`;
    const params = [
      spaceId,
      videoId,
      unique.map((c) => c.clipIndex),
      unique.map((c) => c.crop),
      unique.map((c) => JSON.stringify(c.frameIndices)),
      unique.map((c) => c.startSec),
      unique.map((c) => c.endSec),
      unique.map((c) => vectorToBlob(c.vector)),
    ];
    return [{ sql, params }];
  },
  // Writers of the same video take turns (in id order, so two batches cannot deadlock) instead of interleaving
  // their deletes and inserts; foreign key checks of other writers (KEY SHARE) are not blocked.
  lockVideos: "SELECT id FROM videos WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
};

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
export class PgStore extends StoreCore {
  private constructor(
    private readonly pool: Pool,
    /** The database as named in messages (no password). */
    where: string,
    private readonly reconnectMs: number,
  ) {
    super(where, DIALECT);
  }

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
    const pg = pgDriver();
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize,
      types: typeParsers(pg),
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
        await migratePostgres(client, POSTGRES_MIGRATIONS, where, { onWarning: opts.onWarning });
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

  protected perform<T>(action: string, mode: Mode, plan: () => Plan<T>): Promise<T> {
    return this.run(`Cannot ${action} in ${this.where}`, mode, (client) =>
      driveAsync(plan(), (query) => executePostgres(client, query)),
    );
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
    onWarning: z
      .custom<(message: string) => void>((v) => typeof v === "function", { error: "function" })
      .optional(),
  },
  { error: "object" },
);
