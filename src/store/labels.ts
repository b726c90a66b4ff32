/**
 * Labels of a video with many paths. A video is stored once per content hash, and each of its paths keeps the
 * label it was given (a/x.mp4 "cat", b/x.mp4 "dog"). The video's own label — the one training, evaluation, search
 * and maps use — is the label given last for any of its paths, as a moved file's new folder name should be; a
 * path added without a label takes the video's. When the labels of a video's paths disagree the video is
 * conflicting: the store says which label an upsert replaced, and {@link labelConflicts} lists such videos so
 * `train` and `evaluate` can say so.
 */
import type { LabelConflict, VideoFile, VideoRecord } from "./types.js";

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

/**
 * A video whose paths carry different labels: the label it uses (given last) and the other labels of its paths.
 *
 * @example
 * const c: ConflictingVideo = { videoId: 3, path: "/data/dog/x.mp4", label: "dog", others: ["cat"] };
 */
export interface ConflictingVideo {
  videoId: number;
  path: string | null;
  label: string | null;
  others: string[];
}

/**
 * The videos among `videos` whose paths carry more than one label (paths without a label do not count).
 *
 * @example
 * labelConflicts(await store.listVideos(space.id)); // [{ videoId: 3, path: "/data/dog/x.mp4", label: "dog", others: ["cat"] }]
 */
export function labelConflicts(videos: readonly VideoRecord[]): ConflictingVideo[] {
  return videos.flatMap((v) => {
    const labels = new Set(v.paths.flatMap((p) => (p.label === null ? [] : [p.label])));
    if (labels.size < 2) return [];
    labels.delete(v.label ?? "");
    return [{ videoId: v.id, path: v.path, label: v.label, others: [...labels] }];
  });
}

/** How many conflicting videos {@link labelConflictsLine} names before "and N more". */
const NAMED = 3;

/**
 * One line about conflicting videos, null when there are none.
 *
 * @example
 * labelConflictsLine(conflicts);
 * // '1 video has paths with different labels and uses the label given last: /data/dog/x.mp4 "dog" (also "cat")'
 */
export function labelConflictsLine(conflicts: readonly ConflictingVideo[]): string | null {
  if (conflicts.length === 0) return null;
  const n = conflicts.length;
  const named = conflicts
    .slice(0, NAMED)
    .map(
      (c) =>
        `${c.path ?? `video ${c.videoId}`} ${JSON.stringify(c.label)} (also ${c.others.map((l) => JSON.stringify(l)).join(", ")})`,
    )
    .join("; ");
  const more = n > NAMED ? ` and ${n - NAMED} more` : "";
  return `${n} video${n === 1 ? " has" : "s have"} paths with different labels and ${n === 1 ? "uses" : "use"} the label given last: ${named}${more}`;
}
