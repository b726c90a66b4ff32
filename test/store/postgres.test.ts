/**
 * What only PgStore brings, against a real PostgreSQL server (VIDMAE_TEST_POSTGRES; skipped without it):
 * schemas, migrations under concurrent opens, concurrent writers, dropped connections. The behaviour it shares
 * with SqliteStore is the store contract (contract.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PgStore, redactUrl } from "../../src/store/postgres.js";
import { POSTGRES_MIGRATIONS, SCHEMA_VERSION } from "../../src/store/schema.js";
import { SPEC, embeddings, videoFile } from "./helpers.js";
import { POSTGRES_SKIP as SKIP, POSTGRES_URL as URL_, admin, newSchema } from "./postgres-helpers.js";

describe("PgStore", { skip: SKIP }, () => {
  it("keeps its tables in the schema it is given and records the migration", async () => {
    const schema = newSchema();
    const store = await PgStore.open(URL_!, { schema });
    await store.close();
    assert.equal(store.where, `${redactUrl(URL_!)} (schema ${schema})`);
    const tables = await admin<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [schema],
    );
    assert.deepEqual(
      tables.map((t) => t.table_name),
      [
        "clip_embeddings",
        "embedding_spaces",
        "schema_migrations",
        "video_embeddings",
        "video_paths",
        "video_status",
        "videos",
      ],
    );
    const migrations = await admin<{ version: number; name: string }>(
      `SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`,
    );
    assert.deepEqual(
      migrations.map((m) => ({ ...m })),
      POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
  });

  it("migrates once when many processes open a new database together", async () => {
    const schema = newSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PgStore.open(URL_!, { schema })));
    await Promise.all(stores.map((s) => s.close()));
    const rows = await admin(`SELECT version FROM ${schema}.schema_migrations`);
    assert.equal(rows.length, SCHEMA_VERSION);
  });

  it("refuses a database with a newer schema", async () => {
    const schema = newSchema();
    await (await PgStore.open(URL_!, { schema })).close();
    await admin(`INSERT INTO ${schema}.schema_migrations VALUES (${SCHEMA_VERSION + 1}, 'future', now())`);
    const where = `${redactUrl(URL_!)} (schema ${schema})`;
    await assert.rejects(PgStore.open(URL_!, { schema }), {
      code: "E_STORE",
      message: `${where} has schema version ${SCHEMA_VERSION + 1} but this version of vidmae reads up to ${SCHEMA_VERSION}: upgrade vidmae to open it`,
    });
  });

  it("says which server it could not reach, without the password", async () => {
    await assert.rejects(PgStore.open("postgres://vidmae:secret@127.0.0.1:1/nowhere", { reconnectMs: 0 }), {
      code: "E_STORE",
      message:
        "Cannot open embedding store postgres://vidmae@127.0.0.1:1/nowhere: connect ECONNREFUSED 127.0.0.1:1",
    });
    await assert.rejects(PgStore.open("mysql://x", {}), {
      code: "E_INVALID_ARGUMENT",
      message: 'Expected postgres:// URL for url but received "mysql://x" of type string',
    });
    await assert.rejects(PgStore.open(URL_!, { schema: "a; DROP TABLE x" }), { code: "E_INVALID_ARGUMENT" });
  });

  it("writes a video once when concurrent writers deliver it again and again", async () => {
    const schema = newSchema();
    const [a, b] = await Promise.all([PgStore.open(URL_!, { schema }), PgStore.open(URL_!, { schema })]);
    try {
      const space = await a.ensureSpace(SPEC);
      const deliveries = Array.from({ length: 20 }, async (_, i) => {
        const store = i % 2 ? a : b;
        const [video] = await store.upsertVideos([videoFile(1)]);
        await store.saveEmbeddings(space.id, [embeddings(video.id, SPEC.dim, 3)]);
      });
      await Promise.all(deliveries);
      const [video] = await a.listVideos(space.id);
      assert.equal(video.status?.attempts, 20);
      assert.deepEqual(await b.counts(space.id), { videos: 1, ok: 1, failed: 0, pending: 0, clips: 3 });
      const rows = await admin<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${schema}.clip_embeddings`);
      assert.equal(rows[0].n, 3);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("carries on after the server drops its connections", async () => {
    const schema = newSchema();
    const store = await PgStore.open(URL_!, { schema });
    try {
      const space = await store.ensureSpace(SPEC);
      const [video] = await store.upsertVideos([videoFile(1)]);
      // What a server restart does to the pool's idle connections.
      const killed = await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'vidmae' AND query NOT ILIKE '%pg_terminate_backend%'`,
      );
      assert.ok(killed.length > 0);
      await store.saveEmbeddings(space.id, [embeddings(video.id, SPEC.dim)]);
      assert.equal((await store.status(space.id, video.id))?.status, "ok");
    } finally {
      await store.close();
    }
  });
});
