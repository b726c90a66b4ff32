import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { HttpError } from "../../src/server/http-errors.js";
import { allowedRoots, resolveAllowedPath, type AllowedRoot } from "../../src/server/paths.js";

let dir: string;
let roots: AllowedRoot[];
before(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "vidmae-paths-")));
  await mkdir(join(dir, "root", "sub"), { recursive: true });
  await mkdir(join(dir, "secret"));
  await writeFile(join(dir, "root", "sub", "a.mp4"), "a");
  await writeFile(join(dir, "secret", "b.mp4"), "b");
  await symlink(join(dir, "secret", "b.mp4"), join(dir, "root", "escape.mp4"));
  await symlink(join(dir, "secret"), join(dir, "root", "escape-dir"));
  await symlink(join(dir, "root", "sub", "a.mp4"), join(dir, "root", "inside.mp4"));
  // Not regular files, inside the root: a FIFO (opening it for reading would block) and links to it and to a device.
  execFileSync("mkfifo", [join(dir, "root", "pipe.mp4")]);
  await symlink(join(dir, "root", "pipe.mp4"), join(dir, "root", "pipe-link.mp4"));
  await symlink("/dev/zero", join(dir, "root", "zero.mp4"));
  // A chain of links that leaves the root only at its last step.
  await symlink(join(dir, "root", "escape-dir"), join(dir, "root", "sub", "hop"));
  // A root reached through a symlink: paths given through the link are inside it.
  await symlink(join(dir, "root"), join(dir, "root-link"));
  roots = await allowedRoots([join(dir, "root-link")]);
});
after(() => rm(dir, { recursive: true, force: true }));

/** Asserts `given` is refused with this status and code. */
async function refused(given: string, status: number, code: string, using = roots): Promise<void> {
  await assert.rejects(resolveAllowedPath(given, using), (e: unknown) => {
    assert.ok(e instanceof HttpError, String(e));
    assert.deepEqual({ status: e.status, code: e.code }, { status, code }, `${given}: ${e.message}`);
    return true;
  });
}

describe("resolveAllowedPath", () => {
  test("relative paths are under the first root; absolute ones may use the root's link or real path", async () => {
    const real = join(dir, "root", "sub", "a.mp4");
    assert.equal(await resolveAllowedPath("sub/a.mp4", roots), real);
    assert.equal(await resolveAllowedPath(join(dir, "root-link", "sub", "a.mp4"), roots), real);
    assert.equal(await resolveAllowedPath(real, roots), real);
    assert.equal(await resolveAllowedPath("./sub//a.mp4", roots), real);
  });

  test("a symlink that stays inside is followed", async () => {
    assert.equal(await resolveAllowedPath("inside.mp4", roots), join(dir, "root", "sub", "a.mp4"));
  });

  test("`..` segments are refused, even when they would stay inside", async () => {
    await refused("../secret/b.mp4", 403, "E_PATH_FORBIDDEN");
    await refused("sub/../sub/a.mp4", 403, "E_PATH_FORBIDDEN");
    await refused("sub\\..\\..\\secret\\b.mp4", 403, "E_PATH_FORBIDDEN");
  });

  test("absolute paths outside and symlinks out of the root are refused", async () => {
    await refused(join(dir, "secret", "b.mp4"), 403, "E_PATH_FORBIDDEN");
    await refused("/etc/passwd", 403, "E_PATH_FORBIDDEN");
    await refused("escape.mp4", 403, "E_PATH_FORBIDDEN");
    await refused("escape-dir/b.mp4", 403, "E_PATH_FORBIDDEN");
    await assert.rejects(resolveAllowedPath("escape.mp4", roots), /resolves outside the allowed roots/);
  });

  test("the messages name the path and say why", async () => {
    const messages: [string, string][] = [
      ["escape.mp4", 'Path "escape.mp4" resolves outside the allowed roots'],
      ["sub/hop/b.mp4", 'Path "sub/hop/b.mp4" resolves outside the allowed roots'],
      ["../secret/b.mp4", `Path "../secret/b.mp4" must not contain '..' segments`],
      ["/etc/passwd", 'Path "/etc/passwd" is outside the allowed roots'],
      ["sub", 'Path "sub" is not a regular file'],
      ["nope.mp4", 'No such file: "nope.mp4"'],
    ];
    for (const [given, message] of messages)
      await assert.rejects(resolveAllowedPath(given, roots), { message }, given);
  });

  test("a symlinked parent directory that leaves the root is refused, at any depth", async () => {
    await refused("sub/hop/b.mp4", 403, "E_PATH_FORBIDDEN");
    await refused(join(dir, "root-link", "sub", "hop", "b.mp4"), 403, "E_PATH_FORBIDDEN");
  });

  test("a FIFO, a link to it and a link to /dev/zero are refused at once, without opening them", async () => {
    const t0 = performance.now();
    await refused("pipe.mp4", 400, "E_INVALID_ARGUMENT");
    await refused("pipe-link.mp4", 400, "E_INVALID_ARGUMENT");
    await assert.rejects(resolveAllowedPath("pipe-link.mp4", roots), {
      message: 'Path "pipe-link.mp4" is not a regular file',
    });
    // /dev/zero is outside the root: refused before its type matters.
    await refused("zero.mp4", 403, "E_PATH_FORBIDDEN");
    assert.ok(performance.now() - t0 < 1000, "no read was attempted (a FIFO read would block)");
  });

  test("missing files are 404, directories and NUL bytes 400, and no roots refuses every path", async () => {
    await refused("nope.mp4", 404, "E_NOT_FOUND");
    await refused("sub", 400, "E_INVALID_ARGUMENT");
    await refused("sub/a.mp4\u0000.txt", 400, "E_INVALID_ARGUMENT");
    await refused("sub/a.mp4", 403, "E_PATH_FORBIDDEN", []);
  });

  test("a root that is missing or not a directory is a start-up error", async () => {
    await assert.rejects(allowedRoots([join(dir, "missing")]), (e: unknown) => {
      assert.ok(e instanceof VidmaeError);
      assert.equal(e.code, "E_INVALID_ARGUMENT");
      return true;
    });
    await assert.rejects(allowedRoots([join(dir, "root", "sub", "a.mp4")]), /is not a directory/);
  });
});
