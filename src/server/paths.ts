/**
 * Paths given in JSON bodies (`{"path": …}`) may only name regular files under the allowed roots: no `..`
 * segments, and after resolving every symlink the file must still be under a root's real path.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { VidmaeError, wrapError } from "../errors.js";
import { HttpError } from "./http-errors.js";

/** An allowed root as given (resolved) and as it really is (symlinks resolved). */
export interface AllowedRoot {
  given: string;
  real: string;
}

/**
 * Resolves the roots once at start-up; a root that does not exist is a configuration error.
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` naming a root that is not a readable directory
 * @example
 * const roots = await allowedRoots(["/srv/videos"]);
 */
export async function allowedRoots(dirs: readonly string[]): Promise<AllowedRoot[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      const given = resolve(dir);
      let real: string;
      try {
        real = await realpath(given);
      } catch (e) {
        throw wrapError(e, "E_INVALID_ARGUMENT", `Allowed root ${dir} cannot be opened`);
      }
      if (!(await stat(real)).isDirectory())
        throw new VidmaeError("E_INVALID_ARGUMENT", `Allowed root ${dir} is not a directory`);
      return { given, real };
    }),
  );
}

/** `path` is `root` or inside it. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The real path of the regular file `given` names, if it is under one of `roots`. A relative path is taken
 * relative to the first root. The lexical check comes first, so nothing is revealed about files elsewhere.
 *
 * @throws HttpError 403 `E_PATH_FORBIDDEN` (no roots, `..`, outside the roots, a symlink out of them),
 *   404 `E_NOT_FOUND`, 400 `E_INVALID_ARGUMENT` (not a regular file, NUL byte)
 * @example
 * await resolveAllowedPath("clips/a.mp4", roots); // "/srv/videos/clips/a.mp4"
 * await resolveAllowedPath("../etc/passwd", roots); // throws 403 E_PATH_FORBIDDEN
 */
export async function resolveAllowedPath(given: string, roots: readonly AllowedRoot[]): Promise<string> {
  const forbidden = (why: string) =>
    new HttpError(403, "E_PATH_FORBIDDEN", `Path ${JSON.stringify(given)} ${why}`);
  if (roots.length === 0)
    throw forbidden("is refused: this server accepts no paths (start it with --allow-root)");
  if (given.includes("\0"))
    throw new HttpError(400, "E_INVALID_ARGUMENT", "Path must not contain a NUL character");
  if (given.split(/[\\/]/).includes("..")) throw forbidden("must not contain '..' segments");
  const candidate = isAbsolute(given) ? resolve(given) : resolve(roots[0].given, given);
  if (!roots.some((r) => isInside(r.given, candidate) || isInside(r.real, candidate)))
    throw forbidden("is outside the allowed roots");
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new HttpError(404, "E_NOT_FOUND", `No such file: ${JSON.stringify(given)}`);
  }
  if (!roots.some((r) => isInside(r.real, real))) throw forbidden("resolves outside the allowed roots");
  if (!(await stat(real)).isFile())
    throw new HttpError(400, "E_INVALID_ARGUMENT", `Path ${JSON.stringify(given)} is not a regular file`);
  return real;
}
