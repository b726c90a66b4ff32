/**
 * The embedding store in one SQLite file (better-sqlite3), in WAL mode.
 *
 * Crash safety: every write method is one transaction, so `kill -9` loses at most the call in flight and never
 * leaves a half-written video. `synchronous=NORMAL` is enough for that: in WAL mode a commit is complete once its
 * frames are written to the WAL file, which the OS keeps when the process dies; NORMAL only skips the fsync per
 * commit, so a power cut (not a process kill) may roll back the last commits, still without corrupting the file.
 * FULL would add an fsync to every saved batch for a guarantee the resumable pipeline does not need.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import type { Database as Db, Statement } from "better-sqlite3";
import { wrapError } from "../errors.js";
import { StoreCore, type Dialect, type Mode } from "./core.js";
import {
  type ColumnRow,
  SQLITE_COLUMNS,
  checkSchema,
  checkVectorSizes,
  createSqliteFile,
  damagedStore,
  firstVectorLength,
  inspectSqliteFile,
  sqliteDriver,
} from "./integrity.js";
import { executeSqlite, migrate, schemaVersion, type MigrationContext } from "./migrations.js";
import { vectorToBlob, type SpaceRow } from "./rows.js";
import { SQLITE_MIGRATIONS } from "./schema.js";
import { SQL, drive, type Plan, type Query, type QueryResult } from "./statements.js";

// Tables besides SQLite's own and the migration record: in a database at version 0, another program's.
const OTHER_TABLES = `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'
  AND substr(name, 1, 7) <> 'sqlite_'`;

/**
 * A clip per statement: SQLite runs in-process, so small statements cost no round trips. No row locks: IMMEDIATE
 * write transactions already take turns.
 */
const DIALECT: Dialect = {
  insertClips: (spaceId, videoId, clips) =>
    clips.map((c) => ({
      sql: `INSERT INTO clip_embeddings (space_id, video_id, clip_index, crop, frame_indices, start_sec, end_sec, vector)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (space_id, video_id, clip_index, crop) DO UPDATE SET
          frame_indices = EXCLUDED.frame_indices, start_sec = EXCLUDED.start_sec, end_sec = EXCLUDED.end_sec,
          vector = EXCLUDED.vector`,
      params: [
        spaceId,
        videoId,
        c.clipIndex,
        c.crop,
        JSON.stringify(c.frameIndices),
        c.startSec,
        c.endSec,
        vectorToBlob(c.vector),
      ],
    })),
};

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
export class SqliteStore extends StoreCore {
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  private constructor(
    private readonly db: Db,
    /** The database file, as given to {@link SqliteStore.open}. */
    readonly path: string,
  ) {
    super(path, DIALECT);
  }

  /**
   * Opens (creating if needed) a store file and brings its schema up to date.
   *
   * @param path - the database file; `:memory:` for a throwaway store
   * @param options.onWarning - hears the one line a migration may report (relative paths of an older vidmae that
   *   could not be resolved against the file's folder); default: a process warning
   * @throws VidmaeError E_STORE naming the file and what is wrong: it cannot be opened, is a directory, empty, not
   *   a database or another program's, has a newer schema, lacks a table or column, or holds vectors of the
   *   wrong size
   * @example
   * const store = await SqliteStore.open("embeddings.db");
   */
  static async open(path: string, options: Pick<MigrationContext, "onWarning"> = {}): Promise<SqliteStore> {
    const memory = path === ":memory:" || path === "";
    let db: Db;
    try {
      if (!memory && (await inspectSqliteFile(path)) === "missing") {
        await createSqliteFile(path, (created) => {
          configure(created);
          migrate(created, SQLITE_MIGRATIONS, path);
        });
      }
      db = new (sqliteDriver())(path, { timeout: 10_000, fileMustExist: !memory });
    } catch (error) {
      throw wrapError(error, "E_STORE", `Cannot open embedding store ${path}`);
    }
    try {
      if (schemaVersion(db) === 0) {
        const tables = db.prepare(OTHER_TABLES).pluck().all() as string[];
        // Checked before any pragma writes: another program's database is left exactly as it is.
        if (tables.length > 0)
          throw damagedStore(
            path,
            `it is a SQLite database of another program (tables: ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""})`,
          );
      }
      configure(db);
      // Old relative paths were relative to where embed ran: most often the store's own folder.
      const baseDir = memory ? null : dirname(realpathSync(path));
      migrate(db, SQLITE_MIGRATIONS, path, { baseDir, onWarning: options.onWarning });
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

  /** Runs one statement through a cache of prepared statements. */
  private execute(query: Query): QueryResult {
    return executeSqlite(this.db, query, (sql) => {
      let statement = this.statements.get(sql);
      if (!statement) {
        statement = this.db.prepare(sql);
        this.statements.set(sql, statement);
      }
      return statement;
    });
  }

  /**
   * Runs the plan synchronously, so no other call's statements slip into its transaction. IMMEDIATE takes the
   * write lock up front, so a second writer waits for the busy timeout instead of failing when it upgrades a
   * read snapshot that went stale; a snapshot is a deferred transaction that only reads.
   */
  protected async perform<T>(action: string, mode: Mode, plan: () => Plan<T>): Promise<T> {
    const body = () => drive(plan(), (query) => this.execute(query));
    try {
      if (mode === "statement") return body();
      const transaction = this.db.transaction(body);
      return mode === "write" ? transaction.immediate() : transaction();
    } catch (error) {
      throw wrapError(error, "E_STORE", `Cannot ${action} in ${this.path}`);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
