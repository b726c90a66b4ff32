import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { isFile, RepoCache } from "../../../src/model/hub/cache.js";

const COMMIT = "a".repeat(40);
let cacheDir: string;
let cache: RepoCache;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vidmae-cache-"));
  cache = new RepoCache(cacheDir, "MCG-NJU/videomae-base");
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

test("RepoCache lays out models--org--name/{blobs,snapshots}", () => {
  const root = join(cacheDir, "models--MCG-NJU--videomae-base");
  assert.equal(cache.root, root);
  assert.equal(cache.blobPath("e1"), join(root, "blobs", "e1"));
  assert.equal(cache.snapshotDir(COMMIT), join(root, "snapshots", COMMIT));
});

test("refs hold the commit without a newline; a commit revision writes no ref", async () => {
  assert.equal(await cache.readRef("main"), undefined);
  await cache.writeRef("refs/pr/1", COMMIT);
  assert.equal(await readFile(join(cache.root, "refs", "refs", "pr", "1"), "utf8"), COMMIT);
  assert.equal(await cache.readRef("refs/pr/1"), COMMIT);
  await cache.writeRef(COMMIT, COMMIT);
  assert.equal(await cache.readRef(COMMIT), undefined);
});

test("a ref that does not hold a commit id is not followed into snapshots/", async () => {
  await mkdir(join(cache.root, "refs"), { recursive: true });
  await writeFile(join(cache.root, "refs", "main"), "../../../../etc");
  assert.equal(await cache.readRef("main"), undefined);
});

test("link makes a relative symlink, replacing a dangling one", async () => {
  await mkdir(join(cache.root, "blobs"), { recursive: true });
  await writeFile(cache.blobPath("e1"), "one");
  await writeFile(cache.blobPath("e2"), "two");
  await cache.link(COMMIT, "sub/model.bin", "gone");
  assert.equal(await isFile(join(cache.snapshotDir(COMMIT), "sub/model.bin")), false);
  await cache.link(COMMIT, "sub/model.bin", "e2");
  await cache.link(COMMIT, "config.json", "e1");
  assert.equal(await readlink(join(cache.snapshotDir(COMMIT), "config.json")), "../../blobs/e1");
  assert.equal(await readlink(join(cache.snapshotDir(COMMIT), "sub/model.bin")), "../../../blobs/e2");
  assert.equal(await readFile(join(cache.snapshotDir(COMMIT), "sub/model.bin"), "utf8"), "two");
});
