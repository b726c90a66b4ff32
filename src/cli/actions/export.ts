/** `vidmae export`: a space's vectors as numpy / CSV / JSONL / Parquet files. */
import { z } from "zod";
import { exportEmbeddings } from "../../store/export.js";
import { openStore, selectSpace } from "../../store/open.js";
import { parseOptions } from "../options.js";
import { stepProgress } from "../progress.js";
import type { CliIo } from "../run.js";
import { displayPath } from "../../errors.js";

const schema = z.object({
  db: z.string().min(1),
  out: z.string().min(1),
  space: z.string().min(1).optional(),
  level: z.enum(["video", "clip"], { error: "one of: video, clip" }).default("video"),
  format: z.enum(["npy", "jsonl", "parquet"], { error: "one of: npy, jsonl, parquet" }).default("npy"),
  json: z.boolean().default(false),
});

/**
 * `vidmae export`: writes a space's vectors (npy + index.csv, optionally JSONL or Parquet) and prints the
 * files. `raw` is commander's options, checked here.
 *
 * @example
 * await exportCommand(cliIo(), { db: "vidmae.db", out: "export/" }); // 3 rows x 768 -> export/embeddings.npy, …
 */
export async function exportCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const store = await openStore(opts.db, { onWarning: io.say });
  try {
    const space = await selectSpace(store, opts.space);
    // Rows are counted once per file written (see ExportOptions.onProgress); the bar starts at the first report.
    const progress = stepProgress(io, "writing rows", 0, { json: opts.json });
    const result = await exportEmbeddings(store, {
      spaceId: space.id,
      level: opts.level,
      format: opts.format,
      outDir: opts.out,
      onProgress: progress.update,
    }).finally(progress.done);
    const { rows, dim, files } = result;
    io.stdout.write(
      opts.json
        ? `${JSON.stringify({ rows, dim, files })}\n`
        : `${rows} rows x ${dim} -> ${files.map(displayPath).join(", ")}\n`,
    );
  } finally {
    await store.close();
  }
}
