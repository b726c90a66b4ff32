import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { findVideoFiles, isVideoFile, listVideoInputs } from "../../src/video/files.js";
import { type SpecialFiles, fifoHasReader, makeSpecialFiles } from "./special-files.js";

let root: string;
let special: SpecialFiles;
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
  await mkdir(p("hostile"));
  await writeFile(p("hostile/ok.mp4"), "");
  special = await makeSpecialFiles(p("hostile"));
});
after(async () => {
  await special.close();
  await rm(root, { recursive: true, force: true });
});

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
      assert.equal(e.message, `${missing}: cannot read file (no such file)`);
      return true;
    });
    await assert.rejects(findVideoFiles([p("data/*.txt")]), {
      code: "E_IO",
      message: `${p("data/*.txt")}: no video file matches this pattern`,
    });
  });
});

describe("listVideoInputs", () => {
  /** The refusals as [path, code, message]. */
  const refusals = (list: Awaited<ReturnType<typeof listVideoInputs>>) =>
    list.refused.map((r) => [r.path, r.error.code, r.error.message]);

  it("refuses a missing input and keeps the rest of the batch", async () => {
    const list = await listVideoInputs([p("data/b.mp4"), p("missing.mp4"), p("other/x.avi")]);
    assert.deepEqual(list.files, [p("data/b.mp4"), p("other/x.avi")]);
    assert.deepEqual(refusals(list), [
      [p("missing.mp4"), "E_IO", `${p("missing.mp4")}: cannot read file (no such file)`],
    ]);
  });

  it("refuses FIFOs, devices, sockets and dangling symlinks within a second, without opening them", async () => {
    const t0 = performance.now();
    const { fifo, socket, fifoLink, dangling } = special;
    const list = await listVideoInputs([fifo, socket, fifoLink, dangling, "/dev/zero", p("hostile/ok.mp4")]);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(await fifoHasReader(fifo), false);
    assert.deepEqual(list.files, [p("hostile/ok.mp4")]);
    assert.deepEqual(refusals(list), [
      ["/dev/zero", "E_VIDEO", "/dev/zero: not a regular file (character device)"],
      [dangling, "E_IO", `${dangling}: cannot read file (dangling symlink)`],
      [fifoLink, "E_VIDEO", `${fifoLink}: not a regular file (FIFO)`],
      [fifo, "E_VIDEO", `${fifo}: not a regular file (FIFO)`],
      [socket, "E_VIDEO", `${socket}: not a regular file (socket)`],
    ]);
  });

  it("reports the special files a directory walk or a pattern meets", async () => {
    const expected = [
      [special.dangling, "E_IO", `${special.dangling}: cannot read file (dangling symlink)`],
      [special.fifoLink, "E_VIDEO", `${special.fifoLink}: not a regular file (FIFO)`],
      [special.fifo, "E_VIDEO", `${special.fifo}: not a regular file (FIFO)`],
      [special.socket, "E_VIDEO", `${special.socket}: not a regular file (socket)`],
    ];
    const walked = await listVideoInputs([p("hostile")]);
    assert.deepEqual(walked.files, [p("hostile/ok.mp4")]);
    assert.deepEqual(refusals(walked), expected);
    // A pattern does not list a FIFO, a socket or a dangling link, but follows a symlink to a FIFO.
    const globbed = await listVideoInputs([p("hostile/*.mp4")]);
    assert.deepEqual(globbed.files, [p("hostile/ok.mp4")]);
    assert.deepEqual(refusals(globbed), [expected[1]]);
    assert.equal(await fifoHasReader(special.fifo), false);
  });

  it("still fails at once for a pattern that matches nothing, and findVideoFiles for any refusal", async () => {
    await assert.rejects(listVideoInputs([p("nothing/*.mp4")]), {
      code: "E_IO",
      message: `${p("nothing/*.mp4")}: no video file matches this pattern`,
    });
    await assert.rejects(findVideoFiles([special.fifo]), {
      code: "E_VIDEO",
      message: `${special.fifo}: not a regular file (FIFO)`,
    });
  });
});
