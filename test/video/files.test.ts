import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { findVideoFiles, isVideoFile } from "../../src/video/files.js";

let root: string;
const p = (rel: string): string => join(root, rel);

before(async () => {
  root = await mkdtemp(join(tmpdir(), "vidmae-files-"));
  const files = [
    "data/b.mp4",
    "data/a.MKV",
    "data/notes.txt",
    "data/sub/deeper/c.webm",
    "data/sub/d.ts",
    "data/.hidden/e.mp4",
    "data/.f.mp4",
    "other/x.avi",
    "other/y.mov",
    "other/readme.md",
    "loose.bin",
  ];
  for (const f of files) {
    await mkdir(join(root, f, ".."), { recursive: true });
    await writeFile(p(f), "");
  }
  await symlink(p("other/x.avi"), p("data/link.avi"));
  await symlink(p("other"), p("data/linked-dir"));
});
after(() => rm(root, { recursive: true, force: true }));

describe("isVideoFile", () => {
  it("matches the video extensions in any case", () => {
    assert.equal(isVideoFile("a/b.MP4"), true);
    assert.equal(isVideoFile("clip.3gp"), true);
    assert.equal(isVideoFile("notes.txt"), false);
    assert.equal(isVideoFile("mp4"), false);
  });
});

describe("findVideoFiles", () => {
  it("walks a directory recursively, keeps videos, skips hidden entries and symlinked directories", async () => {
    assert.deepEqual(await findVideoFiles([p("data")]), [
      p("data/a.MKV"),
      p("data/b.mp4"),
      p("data/link.avi"),
      p("data/sub/d.ts"),
      p("data/sub/deeper/c.webm"),
    ]);
  });

  it("takes a named file whatever its extension", async () => {
    assert.deepEqual(await findVideoFiles([p("loose.bin")]), [p("loose.bin")]);
  });

  it("expands glob patterns, keeping videos", async () => {
    assert.deepEqual(await findVideoFiles([p("other/*")]), [p("other/x.avi"), p("other/y.mov")]);
    assert.deepEqual(await findVideoFiles([p("data/**/*.webm")]), [p("data/sub/deeper/c.webm")]);
  });

  it("expands relative patterns against the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      assert.deepEqual(await findVideoFiles(["other/*.{avi,mov}", "data/b.mp4"]), [
        "data/b.mp4",
        "other/x.avi",
        "other/y.mov",
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("merges inputs into one sorted list without duplicates", async () => {
    const found = await findVideoFiles([p("other"), p("data/b.mp4"), p("other/x.avi"), p("data/sub")]);
    assert.deepEqual(found, [
      p("data/b.mp4"),
      p("data/sub/d.ts"),
      p("data/sub/deeper/c.webm"),
      p("other/x.avi"),
      p("other/y.mov"),
    ]);
  });

  it("returns nothing for no inputs or a directory without videos", async () => {
    assert.deepEqual(await findVideoFiles([]), []);
    await mkdir(p("empty"));
    assert.deepEqual(await findVideoFiles([p("empty")]), []);
  });

  it("names an input that does not exist, and a pattern that matches no video", async () => {
    const missing = p("nope.mp4");
    await assert.rejects(findVideoFiles([p("data"), missing]), (e: unknown) => {
      assert.ok(e instanceof VidmaeError);
      assert.equal(e.code, "E_IO");
      assert.equal(e.message, `${missing}: no such file or directory`);
      return true;
    });
    await assert.rejects(findVideoFiles([p("data/*.txt")]), {
      code: "E_IO",
      message: `${p("data/*.txt")}: no video file matches this pattern`,
    });
  });
});
