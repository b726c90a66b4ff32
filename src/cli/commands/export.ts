/** `vidmae export`: a space's vectors as numpy / CSV / JSONL / Parquet files. */
import type { Command } from "commander";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `export`.
 *
 * @example
 * // npx vidmae export --db vidmae.db --out export/ --level clip --format parquet
 */
export function registerExport(program: Command, io: CliIo): void {
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
    .option("--json", 'print {"rows", "dim", "files"} as one JSON object')
    .action(lazyAction(io, async () => (await import("../actions/export.js")).exportCommand));
}
