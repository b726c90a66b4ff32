/** Labels for a collection from a `path,label` CSV file. */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { VidmaeError, wrapError } from "../errors.js";

/**
 * Reads `path,label` rows (an optional header row `path,label` is skipped); relative paths are taken relative
 * to the CSV file's folder. Returns absolute path → label.
 *
 * @throws VidmaeError `E_IO` when unreadable, `E_DATA` naming the line of a malformed row
 * @example
 * const labels = await readLabelsCsv("labels.csv"); // Map { "/data/a.mp4" => "running" }
 */
export async function readLabelsCsv(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${file}`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (e) {
    throw wrapError(e, "E_DATA", `${file}: not valid CSV`);
  }
  const base = dirname(resolve(file));
  const labels = new Map<string, string>();
  rows.forEach((row, i) => {
    if (i === 0 && row[0]?.toLowerCase() === "path" && row[1]?.toLowerCase() === "label") return;
    if (row.length !== 2 || !row[0] || !row[1])
      throw new VidmaeError(
        "E_DATA",
        `${file}: line ${i + 1}: expected two fields path,label but found ${row.length}`,
      );
    labels.set(resolve(base, row[0]), row[1]);
  });
  return labels;
}
