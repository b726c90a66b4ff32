/**
 * Schema versions: a database records each migration it received in `schema_migrations`, and opening it applies
 * the missing ones, in order, in one transaction, so a database is always at exactly one known version. A
 * database from a newer vidmae is refused rather than misread. One runner per driver (SQLite's is synchronous),
 * one set of rules for both. A step may also rewrite data in code (a plan, run by both drivers alike) and report
 * one line about it, which the runner hands on once the migration is committed, so it is said exactly once.
 */
import type { Database, Statement } from "better-sqlite3";
import type { PoolClient } from "pg";
import { VidmaeError } from "../errors.js";
import { drive, driveAsync, sqliteBindings, type Plan, type Query, type QueryResult } from "./statements.js";

/**
 * One schema step: `version` counts from 1 without gaps, `sql` holds the statements that take version − 1 to it,
 * and `data`, when present, runs after them in the same transaction and may return one line to report.
 *
 * @example
 * const m: Migration = { version: 2, name: "video notes", sql: "ALTER TABLE videos ADD COLUMN note TEXT;" };
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** @param baseDir - the folder of the store file, null when there is none (PostgreSQL, `:memory:`) */
  data?: (baseDir: string | null) => Plan<string | null>;
}

/**
 * Where a migration runs: the store file's folder (for data steps that resolve relative paths), and who hears
 * the lines data steps report.
 *
 * @example
 * migrate(db, SQLITE_MIGRATIONS, "e.db", { baseDir: "/data", onWarning: (m) => console.warn(m) });
 */
export interface MigrationContext {
  baseDir?: string | null;
  onWarning?: (message: string) => void;
}

/**
 * Runs one statement of a plan on a SQLite connection.
 *
 * @param prepare - how a statement is prepared (a store passes its cache)
 * @example
 * drive(plan, (q) => executeSqlite(db, q));
 */
export function executeSqlite(
  db: Database,
  { sql, params, arrays }: Query,
  prepare: (sql: string) => Statement<unknown[], unknown> = (text) => db.prepare(text),
): QueryResult {
  const statement = prepare(sql);
  if (!statement.reader) return { rows: [], changes: statement.run(sqliteBindings(params)).changes };
  const rows = statement.raw(arrays === true).all(sqliteBindings(params));
  return { rows, changes: rows.length };
}

/**
 * Runs one statement of a plan on a PostgreSQL connection.
 *
 * @example
 * await driveAsync(plan, (q) => executePostgres(client, q));
 */
export async function executePostgres(
  client: PoolClient,
  { sql, params, arrays }: Query,
): Promise<QueryResult> {
  const result = await client.query({ text: sql, values: [...params], ...(arrays && { rowMode: "array" }) });
  return { rows: result.rows, changes: result.rowCount ?? 0 };
}

/** Hands the lines of committed data steps on, each prefixed with the database it is about. */
function report(lines: readonly string[], source: string, context: MigrationContext): void {
  const say = context.onWarning ?? ((m: string) => process.emitWarning(m, { type: "VidmaeWarning" }));
  for (const line of lines) say(`${source}: ${line}`);
}

/**
 * The schema version of an open database, 0 for an empty one.
 *
 * @example
 * schemaVersion(db); // 1
 */
export function schemaVersion(db: Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/**
 * The migrations a database at version `current` still needs.
 *
 * @param source - the database, for messages
 * @throws VidmaeError E_STORE when the database is newer than `migrations`
 * @example
 * pendingMigrations(SQLITE_MIGRATIONS, 0, "e.db"); // [{ version: 1, name: "initial schema", sql: "…" }]
 */
export function pendingMigrations(
  migrations: readonly Migration[],
  current: number,
  source: string,
): readonly Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  if (current > migrations.length) {
    throw new VidmaeError(
      "E_STORE",
      `${source} has schema version ${current} but this version of vidmae reads up to ${migrations.length}: upgrade vidmae to open it`,
    );
  }
  return migrations.slice(current);
}

/** The error for a migration whose statements failed. */
function migrationFailed(source: string, m: Migration, error: unknown): VidmaeError {
  return new VidmaeError(
    "E_STORE",
    `Cannot migrate ${source} to schema version ${m.version} (${m.name}): ${(error as Error).message}`,
    { cause: error },
  );
}

/**
 * Brings a SQLite database up to the last of `migrations`. The write lock is taken first, so two processes
 * opening the same new file migrate it once.
 *
 * @param source - the database's path, for messages
 * @param context - the store's folder for data steps, and who hears what they report (default: a process warning)
 * @returns the version the database is at now
 * @throws VidmaeError E_STORE when the database is newer than `migrations` or a migration fails (nothing applied)
 * @example
 * migrate(db, SQLITE_MIGRATIONS, "embeddings.db"); // 1
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[],
  source: string,
  context: MigrationContext = {},
): number {
  const lines: string[] = [];
  const run = db.transaction(() => {
    const pending = pendingMigrations(migrations, schemaVersion(db), source);
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
    );
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const m of pending) {
      try {
        db.exec(m.sql);
        const line = m.data && drive(m.data(context.baseDir ?? null), (q) => executeSqlite(db, q));
        if (line) lines.push(line);
      } catch (error) {
        throw migrationFailed(source, m, error);
      }
      record.run(m.version, m.name, new Date().toISOString());
    }
  });
  run.immediate();
  report(lines, source, context);
  return migrations.length;
}

/** Any constant works: it only has to be the same in every vidmae process migrating this database. */
const MIGRATION_LOCK = 0x76696461; // "vida"

/**
 * Brings the schema on `client`'s search path up to the last of `migrations`, in one transaction under an
 * advisory lock, so workers starting together against a new database migrate it once.
 *
 * @param source - the database, for messages (no password)
 * @param context - who hears what data steps report (default: a process warning); PostgreSQL has no folder
 * @returns the version the database is at now
 * @throws VidmaeError E_STORE when the database is newer than `migrations` or a migration fails (nothing applied)
 * @example
 * await migratePostgres(client, POSTGRES_MIGRATIONS, "postgres://vidmae@db/vidmae"); // 1
 */
export async function migratePostgres(
  client: PoolClient,
  migrations: readonly Migration[],
  source: string,
  context: MigrationContext = {},
): Promise<number> {
  const lines: string[] = [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
    );
    const { rows } = await client.query<{ version: number | null }>(
      "SELECT MAX(version) AS version FROM schema_migrations",
    );
    for (const m of pendingMigrations(migrations, rows[0].version ?? 0, source)) {
      try {
        await client.query(m.sql);
        const line =
          m.data && (await driveAsync(m.data(context.baseDir ?? null), (q) => executePostgres(client, q)));
        if (line) lines.push(line);
      } catch (error) {
        throw migrationFailed(source, m, error);
      }
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", [
        m.version,
        m.name,
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  report(lines, source, context);
  return migrations.length;
}
