import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { displayPath, escapeControls } from "../../src/errors.js";
import { buildProgram } from "../../src/cli/program.js";
import { runInProcess } from "./helpers.js";

/** A file name that would print as a forged summary line. */
const FORGED = "a\nvidmae: embedded 1000 videos\n.mp4";

describe("printed file names and messages", () => {
  it("show newlines and control characters as escapes, plain names as they are", () => {
    assert.equal(displayPath("videos/a b.mp4"), "videos/a b.mp4");
    assert.equal(displayPath("vidéo/日本.mp4"), "vidéo/日本.mp4");
    assert.equal(displayPath(FORGED), '"a\\nvidmae: embedded 1000 videos\\n.mp4"');
    assert.equal(
      displayPath("a\u001b[2J\r\u0085\u202e\u2028\u0000.mp4"),
      '"a\\u001b[2J\\r\\u0085\\u202e\\u2028\\u0000.mp4"',
    );
    // A plain name never looks like a quoted one.
    assert.equal(displayPath('"a\\nb".mp4'), '"\\"a\\\\nb\\".mp4"');
    assert.equal(
      escapeControls(`Cannot read ${FORGED}: ENOENT`),
      "Cannot read a\\nvidmae: embedded 1000 videos\\n.mp4: ENOENT",
    );
    assert.equal(escapeControls("tab\there \u{e0001}"), "tab\\there \\u{e0001}");
  });

  it("an error naming a crafted file is one line of the CLI's output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vidmae-display-"));
    try {
      const video = join(dir, FORGED);
      await writeFile(video, "not a video");
      // --processor with a preprocessor config that does not exist: the first error names a path we chose.
      const processor = join(dir, "p\nvidmae: done 1000.json");
      const result = await runInProcess(buildProgram(), [
        ...["frames", video, "--processor", processor, "--num-frames", "4", "--out", join(dir, "o.st")],
      ]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr.split("\n").length, 2, result.stderr);
      assert.match(result.stderr, /^vidmae: .*p\\nvidmae: done 1000\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
