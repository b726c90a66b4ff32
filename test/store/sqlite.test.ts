/**
 * What only SqliteStore has: a store in memory, the driver's own words in messages, and a file that is not a
 * database. The behaviour it shares with PgStore is the store contract (contract.test.ts); files, WAL and
 * crashes are in damaged.test.ts and crash.test.ts.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { SPEC, embeddings, tempDir, videoFile } from "./helpers.js";

function isError(code: string, message: string) {
  return (e: unknown) => e instanceof VidmaeError && e.code === code && e.message === message;
}

describe("SqliteStore", () => {
  it("names a memory store :memory: and passes SQLite's own words through", async () => {
    const store = await SqliteStore.open(":memory:");
    const space = await store.ensureSpace(SPEC);
    await store.upsertVideos([videoFile(1)]);
    await assert.rejects(store.setLabel(999, "x"), isError("E_STORE", "No video with id 999 in :memory:"));
    await assert.rejects(
      store.loadVectors(42, { level: "video" }),
      isError("E_STORE", "No embedding space with id 42 in :memory:"),
    );
    await assert.rejects(store.saveEmbeddings(space.id, [embeddings(999, SPEC.dim)]), {
      code: "E_STORE",
      message: `Cannot save embeddings in space ${space.id} in :memory:: FOREIGN KEY constraint failed`,
    });
    assert.deepEqual(
      await store.counts(space.id),
      { videos: 1, ok: 0, failed: 0, pending: 1, clips: 0 },
      "nothing half-saved",
    );
    await store.close();
  });

  it("reports a file that is not a database as E_STORE", async () => {
    const path = join(tempDir(), "notes.txt");
    writeFileSync(path, "x".repeat(4096));
    await assert.rejects(
      SqliteStore.open(path),
      isError("E_STORE", `Cannot open embedding store ${path}: file is not a database`),
    );
    await assert.rejects(SqliteStore.open(join(path, "sub", "e.db")), { code: "E_STORE" });
  });
});
