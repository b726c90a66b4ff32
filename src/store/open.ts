/** Opens the store a `--db` argument names, and picks the embedding space a command works in. */
import { VidmaeError } from "../errors.js";
import { describeSpace } from "../space/compare.js";
import type { EmbeddingSpace } from "../space/spec.js";
import { PgStore, isPostgresUrl } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { EmbeddingStore } from "./types.js";

/**
 * Opens a store: a `postgres://` URL is a PostgreSQL database shared by many processes and machines; a file path
 * is an embedded SQLite database (created if missing).
 *
 * @param options.onWarning - hears the one line opening may report, once: relative paths written by an older
 *   vidmae that the migration could not resolve (default: a process warning)
 * @example
 * const store = await openStore("vidmae.db");
 * const shared = await openStore("postgres://vidmae:secret@db.internal/vidmae");
 * const quiet = await openStore("vidmae.db", { onWarning: (m) => io.say(`warning: ${m}`) });
 */
export async function openStore(
  db: string,
  options: { onWarning?: (message: string) => void } = {},
): Promise<EmbeddingStore> {
  return isPostgresUrl(db) ? PgStore.open(db, options) : SqliteStore.open(db, options);
}

/** A stored space in a list for people: its id, then what it is. */
const listed = (s: EmbeddingSpace) => `${s.id} (${describeSpace(s)})`;

/**
 * The space a command reads: the one given by id or key prefix, else the only one in the store.
 *
 * @throws VidmaeError `E_STORE` when the store is empty, the space is unknown, or several exist and none was named
 * @example
 * const space = await selectSpace(store, opts.space); // "2" or "3f1c9a…"
 */
export async function selectSpace(store: EmbeddingStore, space?: string): Promise<EmbeddingSpace> {
  const spaces = await store.listSpaces();
  if (space !== undefined) {
    const found = /^\d+$/.test(space)
      ? spaces.find((s) => s.id === Number(space))
      : spaces.filter((s) => s.key.startsWith(space));
    const match = Array.isArray(found) ? (found.length === 1 ? found[0] : undefined) : found;
    if (!match)
      throw new VidmaeError(
        "E_STORE",
        `No single embedding space matches ${space}; the store has: ${spaces.map(listed).join("; ") || "none"}`,
      );
    return match;
  }
  if (spaces.length === 0)
    throw new VidmaeError("E_STORE", "The store holds no embeddings yet; run vidmae embed first");
  if (spaces.length > 1)
    throw new VidmaeError(
      "E_STORE",
      `The store holds ${spaces.length} embedding spaces; choose one with --space: ${spaces.map(listed).join("; ")}`,
    );
  return spaces[0];
}
