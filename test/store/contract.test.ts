/**
 * The store contract (store-scenarios.ts) against each backend: SqliteStore always, PgStore with a server
 * (VIDMAE_TEST_POSTGRES). What only one backend has is tested in sqlite.test.ts and postgres.test.ts.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { PgStore } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { tempDir } from "./helpers.js";
import { POSTGRES_SKIP, POSTGRES_URL, newSchema } from "./postgres-helpers.js";
import { storeScenarios } from "./store-scenarios.js";

storeScenarios("store contract: SqliteStore", async () => {
  const path = join(tempDir(), `${randomBytes(4).toString("hex")}.db`);
  return { store: await SqliteStore.open(path), where: path, reopen: () => SqliteStore.open(path) };
});

storeScenarios(
  "store contract: PgStore",
  async () => {
    const schema = newSchema();
    const open = () => PgStore.open(POSTGRES_URL!, { schema });
    const store = await open();
    return { store, where: store.where, reopen: open };
  },
  POSTGRES_SKIP,
);
