import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { VidmaeError } from "../../src/errors.js";
import { migrate, schemaVersion, type Migration } from "../../src/store/migrations.js";
import { SCHEMA_VERSION, SQLITE_MIGRATIONS } from "../../src/store/schema.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { SPEC, embeddings, tempDir, videoFile } from "./helpers.js";

const V1: Migration = {
  version: 1,
  name: "notes",
  sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
};
const V2: Migration = { version: 2, name: "note authors", sql: "ALTER TABLE notes ADD COLUMN author TEXT;" };

function tables(db: Database.Database): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
}

describe("migrate", () => {
  it("takes a version N-1 database to N and keeps its rows", () => {
    const db = new Database(":memory:");
    assert.equal(migrate(db, [V1], "test.db"), 1);
    db.prepare("INSERT INTO notes (body) VALUES ('kept')").run();
    assert.equal(migrate(db, [V1, V2], "test.db"), 2);
    assert.equal(schemaVersion(db), 2);
    assert.deepEqual(db.prepare("SELECT body, author FROM notes").all(), [{ body: "kept", author: null }]);
    assert.equal(migrate(db, [V1, V2], "test.db"), 2, "a second run applies nothing");
    assert.deepEqual(db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all(), [
      { version: 1, name: "notes" },
      { version: 2, name: "note authors" },
    ]);
  });

  it("applies all pending migrations or none", () => {
    const db = new Database(":memory:");
    const broken: Migration = { version: 2, name: "broken", sql: "ALTER TABLE missing ADD COLUMN x TEXT;" };
    assert.throws(
      () => migrate(db, [V1, broken], "test.db"),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_STORE" &&
        e.message === "Cannot migrate test.db to schema version 2 (broken): no such table: missing",
    );
    assert.equal(schemaVersion(db), 0);
    assert.deepEqual(tables(db), []);
  });

  it("refuses a database written by a newer version", () => {
    const db = new Database(":memory:");
    migrate(db, [V1, V2], "new.db");
    assert.throws(
      () => migrate(db, [V1], "new.db"),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_STORE" &&
        e.message ===
          "new.db has schema version 2 but this version of vidmae reads up to 1: upgrade vidmae to open it",
    );
  });

  it("rejects a migration list with gaps", () => {
    assert.throws(
      () => migrate(new Database(":memory:"), [V2], "x.db"),
      /Migration note authors has version 2, expected 1/,
    );
  });
});

describe("SQLite schema", () => {
  it("creates the latest schema in a new file", async () => {
    const path = join(tempDir(), "new.db");
    await (await SqliteStore.open(path)).close();
    const db = new Database(path, { readonly: true });
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.deepEqual(tables(db), [
      "clip_embeddings",
      "embedding_spaces",
      "schema_migrations",
      "video_embeddings",
      "video_paths",
      "video_status",
      "videos",
    ]);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("page_size", { simple: true }), 32768);
    db.close();
  });

  it("opens a database left at version N-1 and migrates it", async () => {
    const path = join(tempDir(), "old.db");
    const old = new Database(path);
    migrate(old, SQLITE_MIGRATIONS.slice(0, -1), path);
    old.close();
    const store = await SqliteStore.open(path);
    const space = await store.ensureSpace(SPEC);
    const [video] = await store.upsertVideos([videoFile(1)]);
    await store.saveEmbeddings(space.id, [embeddings(video.id, SPEC.dim)]);
    assert.equal((await store.counts(space.id)).ok, 1);
    await store.close();
    const db = new Database(path, { readonly: true });
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    db.close();
  });

  it("refuses a store file from a newer vidmae with E_STORE", async () => {
    const path = join(tempDir(), "future.db");
    await (await SqliteStore.open(path)).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '')").run(
      SCHEMA_VERSION + 1,
    );
    db.close();
    await assert.rejects(SqliteStore.open(path), {
      name: "VidmaeError",
      code: "E_STORE",
      message: `${path} has schema version ${SCHEMA_VERSION + 1} but this version of vidmae reads up to ${SCHEMA_VERSION}: upgrade vidmae to open it`,
    });
  });
});
