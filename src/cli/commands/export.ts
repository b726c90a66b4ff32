/** `vidmae export`: a space's vectors as numpy / CSV / JSONL / Parquet files. */
import type { Command } from "commander";
import { z } from "zod";
import { exportEmbeddings } from "../../store/export.js";
import { openStore, selectSpace } from "../../store/open.js";
import { parseOptions } from "../options.js";
import { action } from "../run.js";
import { displayPath } from "../../errors.js";

const schema = z.object({
  db: z.string().min(1),
  out: z.string().min(1),
  space: z.string().min(1).optional(),
  level: z.enum(["video", "clip"], { error: "one of: video, clip" }).default("video"),
  format: z.enum(["npy", "jsonl", "parquet"], { error: "one of: npy, jsonl, parquet" }).default("npy"),
});

/**
 * Registers `export`.
 *
 * @example
 * // npx vidmae export --db vidmae.db --out export/ --level clip --format parquet
 */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "write the embeddings of successfully embedded videos: embeddings.npy + index.csv (+ JSONL or Parquet)",
    )
    .requiredOption("--db <file>", "the store")
    .requiredOption("--out <dir>", "output folder")
    .option("--space <id|key>", "embedding space (default: the only one)")
    .option("--level <video|clip>", "one row per video (default) or per clip and crop")
    .option("--format <npy|jsonl|parquet>", "npy (always written) plus jsonl or parquet")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const store = await openStore(opts.db);
        try {
          const space = await selectSpace(store, opts.space);
          const result = await exportEmbeddings(store, {
            spaceId: space.id,
            level: opts.level,
            format: opts.format,
            outDir: opts.out,
          });
          process.stdout.write(
            `${result.rows} rows x ${result.dim} -> ${result.files.map(displayPath).join(", ")}\n`,
          );
        } finally {
          await store.close();
        }
      }),
    );
}
