/**
 * The Hugging Face cache layout of one model repo, byte-compatible with `huggingface_hub`:
 * `models--org--name/{blobs/<etag>, snapshots/<commit>/<file> -> ../../blobs/<etag>, refs/<revision>}`.
 */
import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { wrapError } from "../../errors.js";

/** A full git commit id: what `snapshots/` folders and `refs/` files hold. */
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;

/** True when `path` exists and is (or links to) a regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * One model repo's folder in the hub cache.
 *
 * @example
 * const cache = new RepoCache("/home/me/.cache/huggingface/hub", "MCG-NJU/videomae-base");
 * cache.root; // ".../models--MCG-NJU--videomae-base"
 * await cache.readRef("main"); // "1f0c..." or undefined
 */
export class RepoCache {
  /** `<cacheDir>/models--org--name`. */
  readonly root: string;

  constructor(cacheDir: string, repo: string) {
    this.root = join(cacheDir, `models--${repo.split("/").join("--")}`);
  }

  /** `blobs/<etag>`: the content, named by its etag (the sha256 for LFS files, the git blob id otherwise). */
  blobPath(etag: string): string {
    return join(this.root, "blobs", etag);
  }

  /** `snapshots/<commit>`: the folder a model loader reads. */
  snapshotDir(commit: string): string {
    return join(this.root, "snapshots", commit);
  }

  /** The commit a branch or tag pointed to when last fetched, or undefined when never fetched (or not a commit). */
  async readRef(revision: string): Promise<string | undefined> {
    try {
      const commit = (await readFile(join(this.root, "refs", revision), "utf8")).trim();
      return COMMIT_PATTERN.test(commit) ? commit : undefined; // it names a folder under snapshots/
    } catch {
      return undefined;
    }
  }

  /** Records that `revision` points to `commit` (nothing to record when the revision is the commit). */
  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = join(this.root, "refs", revision);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, commit); // no newline, as huggingface_hub writes it
    } catch (error) {
      throw wrapError(error, "E_IO", `Cannot write ${path}`);
    }
  }

  /** Points `snapshots/<commit>/<file>` at `blobs/<etag>` with a relative symlink (a copy where links are refused). */
  async link(commit: string, file: string, etag: string): Promise<void> {
    const pointer = join(this.snapshotDir(commit), file);
    const blob = this.blobPath(etag);
    try {
      await mkdir(dirname(pointer), { recursive: true });
      await rm(pointer, { force: true }); // a dangling link left by a removed blob
      await symlink(relative(dirname(pointer), blob), pointer).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPERM") throw error;
        await copyFile(blob, pointer); // Windows without developer mode cannot make symlinks
      });
    } catch (error) {
      throw wrapError(error, "E_IO", `Cannot link ${pointer} to ${blob}`);
    }
  }
}
