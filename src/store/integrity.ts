/**
 * Checks that make a damaged store fail at open with one line naming the store and what is wrong, instead of a
 * driver error deep inside the first command that touches it: the file itself (SQLite), the tables and columns of
 * the schema (both backends), and the size of stored vectors against their space's dimension.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, open, stat, unlink } from "node:fs/promises";
import type BetterSqlite3 from "better-sqlite3";
import { lazyRequire } from "../native.js";
import { VidmaeError } from "../errors.js";
import { migrate } from "./migrations.js";
import { spaceFromRow, type SpaceRow } from "./rows.js";

/**
 * better-sqlite3's `Database` class, loaded at the first store opened (see `native.ts`).
 *
 * @example
 * const db = new (sqliteDriver())(":memory:");
 */
export const sqliteDriver: () => typeof BetterSqlite3 = lazyRequire("better-sqlite3");
import { SQLITE_MIGRATIONS } from "./schema.js";

/** The first bytes of every SQLite 3 database file. */
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** Tables that hold vectors, each checked against its space's dimension. */
const VECTOR_TABLES = ["video_embeddings", "clip_embeddings"] as const;

/**
 * The error for a store that cannot be used: `Cannot open embedding store <where>: <what>`.
 *
 * @example
 * throw damagedStore("e.db", "table videos is missing");
 */
export function damagedStore(where: string, what: string): VidmaeError {
  return new VidmaeError("E_STORE", `Cannot open embedding store ${where}: ${what}`);
}

/**
 * What is at a SQLite store's path before the driver opens it: nothing (a new store), or a database file.
 * Anything else is refused, so the driver neither writes its schema into a stranger's file nor reads a
 * truncated store as a new empty one.
 *
 * @throws VidmaeError E_STORE for a directory or other non-file, an empty file, or a file that is not SQLite
 * @example
 * await inspectSqliteFile("e.db"); // "missing" | "database"
 */
export async function inspectSqliteFile(path: string): Promise<"missing" | "database"> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw damagedStore(path, "it is a directory, not a database file");
    if (!s.isFile()) throw damagedStore(path, "it is not a regular file");
    size = s.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  // Stores are created whole (createSqliteFile), so an empty file is a truncated store or someone else's file.
  if (size === 0) throw damagedStore(path, "the file is empty (0 bytes); remove it to start a new store");
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  const handle = await open(path, "r");
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (!head.equals(SQLITE_MAGIC)) throw damagedStore(path, "file is not a database");
  return "database";
}

/**
 * Creates a store file whole: `init` prepares a temporary database beside `path`, which is then linked into
 * place only if `path` is still free. Another process opening `path` meanwhile sees nothing or a complete
 * store, never an empty file; when two create it together, one wins and the other opens the winner's.
 *
 * @example
 * await createSqliteFile("e.db", (db) => migrate(db, SQLITE_MIGRATIONS, "e.db"));
 */
export async function createSqliteFile(
  path: string,
  init: (db: BetterSqlite3.Database) => void,
): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const db = new (sqliteDriver())(tmp);
    try {
      init(db);
    } finally {
      db.close(); // checkpoints the WAL into the file and removes it
    }
    try {
      await link(tmp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return;
      // File systems without hard links: an exclusive copy still never replaces a store.
      await copyFile(tmp, path, constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
    }
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

let expected: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * Tables and columns of the latest schema, read once from the SQLite migrations applied to a memory database;
 * the PostgreSQL schema has the same tables and columns.
 *
 * @example
 * schemaTables().get("videos"); // ["id", "content_hash", "path", …]
 */
export function schemaTables(): ReadonlyMap<string, readonly string[]> {
  if (!expected) {
    const db = new (sqliteDriver())(":memory:");
    try {
      migrate(db, SQLITE_MIGRATIONS, ":memory:");
      const tables = new Map<string, string[]>();
      for (const { tbl, col } of db.prepare(SQLITE_COLUMNS).all() as ColumnRow[]) {
        tables.set(tbl, [...(tables.get(tbl) ?? []), col]);
      }
      expected = tables;
    } finally {
      db.close();
    }
  }
  return expected;
}

/** A table and one of its columns, as {@link SQLITE_COLUMNS} and {@link POSTGRES_COLUMNS} list them. */
export interface ColumnRow {
  tbl: string;
  col: string;
}

/** Every table's columns in a SQLite database. */
export const SQLITE_COLUMNS = `SELECT m.name AS tbl, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p
  WHERE m.type = 'table'`;

/** Every table's columns in the current PostgreSQL schema. */
export const POSTGRES_COLUMNS = `SELECT table_name AS tbl, column_name AS col FROM information_schema.columns
  WHERE table_schema = current_schema()`;

/**
 * Checks that a store has every table and column of the latest schema.
 *
 * @param columns - the store's tables and columns ({@link SQLITE_COLUMNS}, {@link POSTGRES_COLUMNS})
 * @throws VidmaeError E_STORE naming the first missing table or column
 * @example
 * checkSchema(db.prepare(SQLITE_COLUMNS).all() as ColumnRow[], "e.db");
 */
export function checkSchema(columns: readonly ColumnRow[], where: string): void {
  const actual = new Map<string, Set<string>>();
  for (const { tbl, col } of columns) actual.set(tbl, (actual.get(tbl) ?? new Set()).add(col));
  for (const [table, cols] of schemaTables()) {
    const have = actual.get(table);
    if (!have) throw damagedStore(where, `table ${table} is missing`);
    const lacking = cols.find((c) => !have.has(c));
    if (lacking !== undefined) throw damagedStore(where, `table ${table} has no column ${lacking}`);
  }
}

/**
 * Checks every space's description and the size of its first stored vector in each vector table, so a store
 * whose vectors do not match their space's dimension is refused at open (loading checks every vector again).
 *
 * @param firstLength - byte length of the first vector of a space in a table, null when it has none
 * @throws VidmaeError E_STORE naming the space, the table and both sizes
 * @example
 * await checkVectorSizes(rows, (table, id) => lengthOfFirst(table, id), "e.db");
 */
export async function checkVectorSizes(
  spaces: readonly SpaceRow[],
  firstLength: (table: string, spaceId: number) => Promise<number | null> | number | null,
  where: string,
): Promise<void> {
  for (const row of spaces) {
    let dim: number;
    try {
      dim = spaceFromRow(row).dim;
    } catch (error) {
      throw damagedStore(where, (error as Error).message);
    }
    for (const table of VECTOR_TABLES) {
      const bytes = await firstLength(table, row.id);
      if (bytes !== null && bytes !== dim * 4) {
        throw damagedStore(
          where,
          `vectors of space ${row.id} in ${table} have ${bytes} bytes but its dimension ${dim} needs ${dim * 4}`,
        );
      }
    }
  }
}

/**
 * The statement behind `firstLength` of {@link checkVectorSizes}; `param` is the driver's placeholder.
 *
 * @example
 * firstVectorLength("video_embeddings", "?"); // "SELECT length(vector) FROM video_embeddings WHERE space_id = ? LIMIT 1"
 */
export function firstVectorLength(table: string, param: string): string {
  return `SELECT length(vector) AS n FROM ${table} WHERE space_id = ${param} LIMIT 1`;
}
