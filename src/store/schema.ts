/**
 * The store's logical schema, as SQLite DDL migrations. A PostgreSQL twin keeps the same tables, columns,
 * constraints and version numbers, with its own types (BIGSERIAL ids, BYTEA vectors, JSONB for the JSON columns,
 * TIMESTAMPTZ for the ISO-8601 text timestamps).
 *
 * - `embedding_spaces`: one row per spec; `key` (unique) is what identifies it across databases.
 * - `videos`: one row per content hash (unique); `path` is unique too, and null when the path now holds other content.
 * - `video_status`: per (space, video): `ok` or `failed` with the error; no row means not attempted.
 * - `video_embeddings` / `clip_embeddings`: float32 little-endian vectors keyed by space, video (and clip, crop).
 *
 * Natural keys are unique constraints, so every write can be an upsert and a duplicate delivery adds no row.
 * The per-space tables are clustered on their keys (WITHOUT ROWID), so reading a space's vectors in key order is
 * one sequential scan; the store's 32 KiB pages keep a vector of up to ~2000 float32 values inside its page.
 */
import type { Migration } from "./migrations.js";

/**
 * Migrations of the SQLite store, oldest first; append to change the schema, never edit a released one.
 *
 * @example
 * migrate(db, SQLITE_MIGRATIONS, "embeddings.db");
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE embedding_spaces (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        model TEXT NOT NULL,
        revision TEXT,
        weights_hash TEXT NOT NULL,
        pooling TEXT NOT NULL CHECK (pooling IN ('mean', 'head')),
        sampling TEXT NOT NULL,
        precision TEXT NOT NULL CHECK (precision IN ('fp32', 'int8')),
        dim INTEGER NOT NULL CHECK (dim > 0),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE videos (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        path TEXT UNIQUE,
        size_bytes INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        probe TEXT,
        label TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE video_status (
        space_id INTEGER NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        error_code TEXT,
        error_message TEXT,
        attempts INTEGER NOT NULL,
        too_short INTEGER NOT NULL CHECK (too_short IN (0, 1)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (space_id, video_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE video_embeddings (
        space_id INTEGER NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        PRIMARY KEY (space_id, video_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE clip_embeddings (
        space_id INTEGER NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        clip_index INTEGER NOT NULL CHECK (clip_index >= 0),
        crop INTEGER NOT NULL CHECK (crop >= 0),
        frame_indices TEXT NOT NULL,
        start_sec REAL NOT NULL,
        end_sec REAL NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (space_id, video_id, clip_index, crop)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = SQLITE_MIGRATIONS.length;
