/**
 * Schema version 2 on stores written by the previous schema (built here from its frozen SQL): relative video paths
 * and model folders become real absolute paths when they name something beside the store file; the others are kept
 * and reported in one line, once (the next open says nothing). PostgreSQL has no folder: it keeps and reports all.
 */
import assert from "node:assert/strict";
import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { migrate } from "../../src/store/migrations.js";
import { PgStore, redactUrl } from "../../src/store/postgres.js";
import { unresolvedMessage } from "../../src/store/relative-paths.js";
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from "../../src/store/schema.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { EmbeddingStore } from "../../src/store/types.js";
import { SPEC, tempDir } from "./helpers.js";
import { POSTGRES_SKIP, POSTGRES_URL, admin, newSchema } from "./postgres-helpers.js";

/** Rows as version 1 wrote them: paths and model names as `embed` was given them. */
function oldRows(): string {
  const sampling = JSON.stringify(SPEC.sampling).replaceAll("'", "''");
  const space = (id: number, model: string) =>
    `('k${id}', '${model}', NULL, 'sha256:w', 'mean', '${sampling}', 'fp32', 4, '2026-01-01T00:00:00.000Z')`;
  const video = (n: number, path: string, label: string | null) =>
    `('hash-${n}', '${path}', ${n}, 0, NULL, ${label === null ? "NULL" : `'${label}'`}, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:0${n}.000Z')`;
  return `
    INSERT INTO embedding_spaces (key, model, revision, weights_hash, pooling, sampling, precision, dim, created_at)
      VALUES ${space(1, "model")}, ${space(2, "MCG-NJU/videomae-base")}, ${space(3, "./old-model")};
    INSERT INTO videos (content_hash, path, size_bytes, mtime_ms, probe, label, created_at, updated_at) VALUES
      ${video(1, "videos/a.mp4", "cat")}, ${video(2, "gone/b.mp4", null)}, ${video(3, "/srv/c.mp4", "dog")},
      ${video(4, "https://cdn.example.com/d.mp4", null)}, ${video(5, "linked/e.mp4", null)};`;
}

/** Paths and models of a store, for comparing before and after. */
async function stored(store: EmbeddingStore) {
  const videos = await Promise.all([1, 2, 3, 4, 5].map((n) => store.findVideoByHash(`hash-${n}`)));
  return {
    paths: videos.map((v) => [v?.path, v?.paths.map((p) => [p.path, p.label])]),
    models: (await store.listSpaces()).map((s) => s.model),
  };
}

describe("migrating relative paths of an older store", () => {
  it("resolves them against a SQLite store's folder and reports the rest once", async () => {
    const dir = tempDir();
    const real = await realpath(dir);
    await mkdir(join(dir, "videos"));
    await writeFile(join(dir, "videos", "a.mp4"), "a");
    await mkdir(join(dir, "model"));
    await mkdir(join(dir, "elsewhere"));
    await writeFile(join(dir, "elsewhere", "e.mp4"), "e");
    await symlink(join(dir, "elsewhere"), join(dir, "linked"));
    const path = join(dir, "old.db");
    const old = new Database(path);
    migrate(old, SQLITE_MIGRATIONS.slice(0, 1), path);
    old.exec(oldRows());
    old.close();

    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const store = await SqliteStore.open(path, { onWarning });
    const a = join(real, "videos", "a.mp4");
    const e = join(real, "elsewhere", "e.mp4");
    const expected = {
      paths: [
        [a, [[a, "cat"]]],
        ["gone/b.mp4", [["gone/b.mp4", null]]],
        ["/srv/c.mp4", [["/srv/c.mp4", "dog"]]],
        ["https://cdn.example.com/d.mp4", [["https://cdn.example.com/d.mp4", null]]],
        [e, [[e, null]]],
      ],
      models: [join(real, "model"), "MCG-NJU/videomae-base", "./old-model"],
    };
    try {
      assert.deepEqual(await stored(store), expected);
    } finally {
      await store.close();
    }
    assert.deepEqual(warnings, [
      `${path}: 2 relative paths from an older vidmae were not found under ${real} and are kept as they were: gone/b.mp4, ./old-model`,
    ]);

    const again = await SqliteStore.open(path, { onWarning });
    try {
      assert.deepEqual(await stored(again), expected);
    } finally {
      await again.close();
    }
    assert.equal(warnings.length, 1, "reported once, by the open that migrated");
  });

  it(
    "keeps and reports every relative path of a PostgreSQL store, once",
    { skip: POSTGRES_SKIP },
    async () => {
      const schema = newSchema();
      const [v1] = POSTGRES_MIGRATIONS;
      await admin(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${v1.sql};
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL);
      INSERT INTO schema_migrations VALUES (1, '${v1.name}', now()); ${oldRows()}`);
      const warnings: string[] = [];
      const onWarning = (m: string) => warnings.push(m);
      const store = await PgStore.open(POSTGRES_URL!, { schema, onWarning });
      try {
        const { paths, models } = await stored(store);
        assert.deepEqual(
          paths.map(([path]) => path),
          ["videos/a.mp4", "gone/b.mp4", "/srv/c.mp4", "https://cdn.example.com/d.mp4", "linked/e.mp4"],
        );
        assert.deepEqual(models, ["model", "MCG-NJU/videomae-base", "./old-model"]);
      } finally {
        await store.close();
      }
      await (await PgStore.open(POSTGRES_URL!, { schema, onWarning })).close();
      assert.deepEqual(warnings, [
        `${redactUrl(POSTGRES_URL!)} (schema ${schema}): 5 relative paths from an older vidmae cannot be resolved (the database has no folder) and are kept as they were: gone/b.mp4, linked/e.mp4, videos/a.mp4 and 2 more`,
      ]);
    },
  );
});

describe("unresolvedMessage", () => {
  it("says nothing for none, names one alone, and the first three of more", () => {
    assert.equal(unresolvedMessage([], "/d"), null);
    assert.equal(
      unresolvedMessage(["a"], "/d"),
      "1 relative path from an older vidmae was not found under /d and is kept as it was: a",
    );
    assert.equal(
      unresolvedMessage(["a", "b", "c", "d", "e"], null),
      "5 relative paths from an older vidmae cannot be resolved (the database has no folder) and are kept as they were: a, b, c and 2 more",
    );
  });
});
