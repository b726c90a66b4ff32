/**
 * `vidmae/store`: SQLite and PostgreSQL stores of videos, spaces and vectors, and their export.
 *
 * @example
 * import { openStore, selectSpace } from "vidmae/store";
 * const store = await openStore("vidmae.db");
 * const vectors = await store.loadVectors((await selectSpace(store)).id, { level: "video" });
 * console.log(vectors.rows.length, vectors.dim); // → 10 768
 * await store.close();
 */
export { SqliteStore } from "./sqlite.js";
export { PgStore, isPostgresUrl, redactUrl, type PgStoreOptions } from "./postgres.js";
export { openStore, selectSpace } from "./open.js";
export { exportEmbeddings, type ExportOptions, type ExportResult, type ExportFormat } from "./export.js";
export type {
  EmbeddingStore,
  VideoFile,
  VideoRecord,
  VideoPath,
  VideoStatus,
  ClipRecord,
  LoadedVectors,
  VectorRow,
  VectorLevel,
  SpaceCounts,
} from "./types.js";
