/**
 * A damaged store is refused at open with one line naming the store and what is wrong (E_STORE), for both
 * backends, and without writing anything into it or beside it; the CLI prints that line and exits 1.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { VidmaeError } from "../../src/errors.js";
import { openStore } from "../../src/store/open.js";
import { PgStore, redactUrl } from "../../src/store/postgres.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { runCli } from "../cli/helpers.js";
import { SPEC, embeddings, tempDir, videoFile } from "./helpers.js";
import { POSTGRES_SKIP, POSTGRES_URL, admin, newSchema } from "./postgres-helpers.js";

/** Asserts that opening `db` fails with exactly `message` (E_STORE). */
async function assertRefused(db: string, message: string): Promise<void> {
  await assert.rejects(openStore(db), (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.equal(e.code, "E_STORE");
    assert.equal(e.message, message);
    return true;
  });
}

/** A store at a new path holding one video with its vectors in a 4-d space; returns the path. */
async function storeWithVectors(dir: string): Promise<string> {
  const path = join(dir, `${randomBytes(4).toString("hex")}.db`);
  const store = await openStore(path);
  const space = await store.ensureSpace(SPEC);
  const videos = await store.upsertVideos([videoFile(1), videoFile(2)]);
  await store.saveEmbeddings(
    space.id,
    videos.map((v) => embeddings(v.id, SPEC.dim)),
  );
  await store.close();
  return path;
}

/** Runs SQL on a store file directly, as a damaging tool or a careless hand would. */
function damage(path: string, sql: string): void {
  const db = new Database(path);
  db.exec(sql);
  db.close();
}

describe("openStore refuses a damaged SQLite store in one line", () => {
  it("a directory", async () => {
    const dir = join(tempDir(), "store.db");
    mkdirSync(dir);
    await assertRefused(dir, `Cannot open embedding store ${dir}: it is a directory, not a database file`);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("a zero-byte file, which stays as it is", async () => {
    const dir = tempDir();
    const path = join(dir, "empty.db");
    writeFileSync(path, "");
    await assertRefused(
      path,
      `Cannot open embedding store ${path}: the file is empty (0 bytes); remove it to start a new store`,
    );
    assert.deepEqual(readdirSync(dir), ["empty.db"]);
    assert.equal(readFileSync(path).length, 0);
  });

  it("a file that is not SQLite, untouched and with nothing written beside it", async () => {
    const dir = tempDir();
    const path = join(dir, "notes.db");
    const text = "not a database\n".repeat(300);
    writeFileSync(path, text);
    await assertRefused(path, `Cannot open embedding store ${path}: file is not a database`);
    assert.deepEqual(readdirSync(dir), ["notes.db"]);
    assert.equal(readFileSync(path, "utf8"), text);
  });

  it("another program's SQLite database, to which no table is added", async () => {
    const dir = tempDir();
    const path = join(dir, "other.db");
    damage(
      path,
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x');",
    );
    await assertRefused(
      path,
      `Cannot open embedding store ${path}: it is a SQLite database of another program (tables: notes)`,
    );
    assert.deepEqual(readdirSync(dir), ["other.db"]);
    const db = new Database(path, { readonly: true });
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master").pluck().all(), ["notes"]);
    assert.equal(db.pragma("journal_mode", { simple: true }), "delete");
    db.close();
  });

  it("a missing table or column", async () => {
    const dir = tempDir();
    const noTable = await storeWithVectors(dir);
    damage(noTable, "DROP TABLE clip_embeddings;");
    await assertRefused(noTable, `Cannot open embedding store ${noTable}: table clip_embeddings is missing`);
    const noColumn = await storeWithVectors(dir);
    damage(noColumn, "ALTER TABLE videos DROP COLUMN label;");
    await assertRefused(
      noColumn,
      `Cannot open embedding store ${noColumn}: table videos has no column label`,
    );
  });

  it("a newer schema version", async () => {
    const path = await storeWithVectors(tempDir());
    damage(path, `INSERT INTO schema_migrations VALUES (${SCHEMA_VERSION + 1}, 'future', '')`);
    await assertRefused(
      path,
      `${path} has schema version ${SCHEMA_VERSION + 1} but this version of vidmae reads up to ${SCHEMA_VERSION}: upgrade vidmae to open it`,
    );
  });

  it("vectors whose size does not match their space's dimension", async () => {
    const dir = tempDir();
    const wrongDim = await storeWithVectors(dir);
    damage(wrongDim, "UPDATE embedding_spaces SET dim = 8;");
    await assertRefused(
      wrongDim,
      `Cannot open embedding store ${wrongDim}: vectors of space 1 in video_embeddings have 16 bytes but its dimension 8 needs 32`,
    );
    // A single bad vector past the first is caught when vectors are loaded, still naming the store.
    const oneBad = await storeWithVectors(dir);
    const db = new Database(oneBad);
    db.prepare("UPDATE video_embeddings SET vector = ? WHERE video_id = 2").run(Buffer.alloc(8));
    db.close();
    const store = await openStore(oneBad);
    await assert.rejects(store.loadVectors(1, { level: "video" }), {
      code: "E_STORE",
      message: `Stored vector of row 1 of space 1 in ${oneBad} has 8 bytes but the space's dimension 4 needs 16`,
    });
    await store.close();
  });

  it("still creates a new store, whole, when several open it at once", async () => {
    const dir = tempDir();
    const path = join(dir, "new.db");
    const stores = await Promise.all([openStore(path), openStore(path), openStore(path)]);
    const space = await stores[0].ensureSpace(SPEC);
    const [video] = await stores[1].upsertVideos([videoFile(1)]);
    await stores[2].saveEmbeddings(space.id, [embeddings(video.id, SPEC.dim)]);
    await Promise.all(stores.map((s) => s.close()));
    assert.deepEqual(readdirSync(dir), ["new.db"]);
    const reopened = await openStore(path);
    const { data } = await reopened.loadVectors(space.id, { level: "video" });
    assert.deepEqual(data, embeddings(video.id, SPEC.dim).videoVector);
    await reopened.close();
  });

  it("prints one line and exits 1 from the CLI", { skip: !existsSync("dist/cli/main.js") }, async () => {
    const dir = tempDir();
    const path = join(dir, "bad.db");
    writeFileSync(path, "x".repeat(2048));
    const { code, stdout, stderr } = await runCli(["export", "--db", path, "--out", join(dir, "out")]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(`^vidmae: Cannot open embedding store ${path}: file is not a database\\n$`),
    );
    assert.deepEqual(readdirSync(dir), ["bad.db"]);
  });
});

describe("PgStore refuses a damaged database in one line", { skip: POSTGRES_SKIP }, () => {
  /** A schema holding the same store as {@link storeWithVectors}. */
  async function schemaWithVectors(): Promise<{ schema: string; where: string }> {
    const schema = newSchema();
    const store = await PgStore.open(POSTGRES_URL!, { schema });
    const space = await store.ensureSpace(SPEC);
    const videos = await store.upsertVideos([videoFile(1), videoFile(2)]);
    await store.saveEmbeddings(
      space.id,
      videos.map((v) => embeddings(v.id, SPEC.dim)),
    );
    await store.close();
    return { schema, where: `${redactUrl(POSTGRES_URL!)} (schema ${schema})` };
  }

  it("a missing table or column", async () => {
    const a = await schemaWithVectors();
    await admin(`DROP TABLE ${a.schema}.clip_embeddings`);
    await assert.rejects(PgStore.open(POSTGRES_URL!, { schema: a.schema }), {
      code: "E_STORE",
      message: `Cannot open embedding store ${a.where}: table clip_embeddings is missing`,
    });
    const b = await schemaWithVectors();
    await admin(`ALTER TABLE ${b.schema}.videos DROP COLUMN label`);
    await assert.rejects(PgStore.open(POSTGRES_URL!, { schema: b.schema }), {
      code: "E_STORE",
      message: `Cannot open embedding store ${b.where}: table videos has no column label`,
    });
  });

  it("vectors whose size does not match their space's dimension", async () => {
    const { schema, where } = await schemaWithVectors();
    await admin(`UPDATE ${schema}.embedding_spaces SET dim = 8`);
    await assert.rejects(PgStore.open(POSTGRES_URL!, { schema }), {
      code: "E_STORE",
      message: `Cannot open embedding store ${where}: vectors of space 1 in video_embeddings have 16 bytes but its dimension 8 needs 32`,
    });
  });
});
