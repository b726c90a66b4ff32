/**
 * Data step of schema version 2: stores written by vidmae before it recorded absolute paths hold video paths and
 * model folders relative to the directory `embed` ran in. That was most often the store file's own folder, so
 * each relative path that names something there becomes its real absolute path; the others are kept as they were
 * and named once, in the one line this step returns.
 */
import { isRepoId } from "../model/hub/pull.js";
import { isRelativePath, resolveUnder } from "./paths.js";
import { all, first, run, type Plan } from "./statements.js";

/** How many unresolved paths the report names before "and N more". */
const NAMED = 3;

/**
 * The report line for relative paths that could not be resolved, null when there are none.
 *
 * @param baseDir - the folder they were looked for in, null when the store has none (PostgreSQL)
 * @example
 * unresolvedMessage(["a.mp4", "b.mp4"], "/data");
 * // "2 relative paths from an older vidmae were not found under /data and are kept as they were: a.mp4, b.mp4"
 */
export function unresolvedMessage(paths: readonly string[], baseDir: string | null): string | null {
  if (paths.length === 0) return null;
  const n = paths.length;
  const named = paths.slice(0, NAMED).join(", ") + (n > NAMED ? ` and ${n - NAMED} more` : "");
  const one = n === 1;
  const where =
    baseDir === null
      ? "cannot be resolved (the database has no folder)"
      : `${one ? "was" : "were"} not found under ${baseDir}`;
  return `${n} relative path${one ? "" : "s"} from an older vidmae ${where} and ${one ? "is" : "are"} kept as ${one ? "it was" : "they were"}: ${named}`;
}

/**
 * Makes the relative video paths and model folders of a store absolute, resolved against `baseDir` (see the file
 * comment), and points each video's primary path at its resolved path.
 *
 * @param baseDir - the store file's folder; null resolves nothing (every relative path is reported)
 * @returns the report line of {@link unresolvedMessage}
 * @example
 * const report = drive(resolveRelativePaths("/data"), (q) => executeSqlite(db, q));
 */
export function* resolveRelativePaths(baseDir: string | null): Plan<string | null> {
  const unresolved: string[] = [];
  const paths = yield* all<{ path: string }>("SELECT path FROM video_paths ORDER BY path");
  let changed = false;
  for (const { path } of paths) {
    if (!isRelativePath(path)) continue;
    const real = baseDir === null ? null : resolveUnder(path, baseDir);
    if (real === null) {
      unresolved.push(path);
      continue;
    }
    // The same file stored both relative and absolute: the absolute row stands.
    const taken = yield* first<{ path: string }>("SELECT path FROM video_paths WHERE path = $1", [real]);
    if (taken) yield* run("DELETE FROM video_paths WHERE path = $1", [path]);
    else yield* run("UPDATE video_paths SET path = $2 WHERE path = $1", [path, real]);
    changed = true;
  }
  if (changed) {
    yield* run(`UPDATE videos SET path = (SELECT p.path FROM video_paths p WHERE p.video_id = videos.id
      ORDER BY p.added_at DESC, p.path DESC LIMIT 1)`);
  }
  const spaces = yield* all<{ id: number; model: string }>(
    "SELECT id, model FROM embedding_spaces ORDER BY id",
  );
  for (const { id, model } of spaces) {
    if (!isRelativePath(model)) continue;
    const real = baseDir === null ? null : resolveUnder(model, baseDir);
    if (real !== null) yield* run("UPDATE embedding_spaces SET model = $2 WHERE id = $1", [id, real]);
    // A name shaped like org/name that is no folder here is a hub id, as it was meant.
    else if (!isRepoId(model)) unresolved.push(model);
  }
  return unresolvedMessage(unresolved, baseDir);
}
