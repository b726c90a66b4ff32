/**
 * One content, one label: a video is stored once per content hash, so the same bytes at two paths with two
 * labels (a/x.mp4 "cat", b/x.mp4 "dog") cannot keep both. The label given last wins, as a moved file's new
 * folder name should, and the store says which label it replaced so a caller can tell the user.
 */
import type { LabelConflict, VideoFile } from "./types.js";

/**
 * The label an upsert of `file` replaces: set when the content was stored from another path with another label.
 *
 * @param before - path and label stored for the file's content before the upsert, undefined for new content
 * @example
 * replacedLabel({ path: "a/x.mp4", label: "cat" }, { ...file, path: "b/x.mp4", label: "dog" });
 * // { path: "a/x.mp4", label: "cat" }
 */
export function replacedLabel(
  before: { path: string | null; label: string | null } | undefined,
  file: VideoFile,
): LabelConflict | undefined {
  if (!before || before.label === null || file.label === undefined) return undefined;
  if (before.label === file.label || before.path === file.path) return undefined;
  return { path: before.path, label: before.label };
}

/**
 * One line for a replaced label, naming both files and both labels.
 *
 * @example
 * labelConflictMessage("b/x.mp4", "dog", { path: "a/x.mp4", label: "cat" });
 * // 'b/x.mp4 has the same content as a/x.mp4: its label "dog" replaces "cat"'
 */
export function labelConflictMessage(path: string, label: string | null, replaced: LabelConflict): string {
  const other = replaced.path ?? "a file stored earlier";
  const now = label === null ? "no label" : `its label ${JSON.stringify(label)}`;
  return `${path} has the same content as ${other}: ${now} replaces ${JSON.stringify(replaced.label)}`;
}
