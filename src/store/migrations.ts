/**
 * Schema versions: a database records each migration it received in `schema_migrations`, and opening it applies
 * the missing ones, in order, in one transaction, so a database is always at exactly one known version. A
 * database from a newer vidmae is refused rather than misread.
 */
import type { Database } from "better-sqlite3";
import { VidmaeError } from "../errors.js";

/**
 * One schema step: `version` counts from 1 without gaps, `sql` holds the statements that take version − 1 to it.
 *
 * @example
 * const m: Migration = { version: 2, name: "video notes", sql: "ALTER TABLE videos ADD COLUMN note TEXT;" };
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
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
 * Brings a database up to the last of `migrations`. The write lock is taken first, so two processes opening the
 * same new file migrate it once.
 *
 * @param source - the database's path, for messages
 * @returns the version the database is at now
 * @throws VidmaeError E_STORE when the database is newer than `migrations` or a migration fails (nothing applied)
 * @example
 * migrate(db, SQLITE_MIGRATIONS, "embeddings.db"); // 1
 */
export function migrate(db: Database, migrations: readonly Migration[], source: string): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const run = db.transaction(() => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new VidmaeError(
        "E_STORE",
        `${source} has schema version ${current} but this version of vidmae reads up to ${latest}: upgrade vidmae to open it`,
      );
    }
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
    );
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const m of migrations.slice(current)) {
      try {
        db.exec(m.sql);
      } catch (error) {
        throw new VidmaeError(
          "E_STORE",
          `Cannot migrate ${source} to schema version ${m.version} (${m.name}): ${(error as Error).message}`,
          { cause: error },
        );
      }
      record.run(m.version, m.name, new Date().toISOString());
    }
  });
  run.immediate();
  return latest;
}
