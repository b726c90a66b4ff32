/**
 * PostgreSQL for the store tests: the server from VIDMAE_TEST_POSTGRES (tests that need it are skipped without),
 * a fresh schema per store (all dropped when the test file ends), and SQL on a connection of its own.
 */
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import pg from "pg";

/** The test server's URL, undefined when none is set. */
export const POSTGRES_URL = process.env.VIDMAE_TEST_POSTGRES;

/** The `skip` option of tests that need the server: false when it is set, else why they are skipped. */
export const POSTGRES_SKIP = POSTGRES_URL
  ? false
  : "set VIDMAE_TEST_POSTGRES=postgres://user:password@127.0.0.1:5432/db to run";

/** Schemas made by this test file, dropped at the end. */
const schemas: string[] = [];

after(async () => {
  if (POSTGRES_URL && schemas.length > 0) await admin(`DROP SCHEMA IF EXISTS ${schemas.join(", ")} CASCADE`);
});

/**
 * A new schema name, dropped when the test file ends.
 *
 * @example
 * const store = await PgStore.open(POSTGRES_URL!, { schema: newSchema() });
 */
export function newSchema(): string {
  const schema = `vidmae_test_${randomBytes(6).toString("hex")}`;
  schemas.push(schema);
  return schema;
}

/**
 * Runs SQL on a connection of its own (to look at or disturb what the store does).
 *
 * @example
 * await admin(`DROP TABLE ${schema}.videos`);
 */
export async function admin<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
