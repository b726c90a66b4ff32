/** How doc commands are read from Markdown: blocks, prompts, comments, wrapped lines, synopses, shell words. */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/temp.js";
import { commandsIn, isSynopsis, minimalForm, optionWords, shellArgs } from "./doc-commands.js";

const PAGE = [
  "Text `vidmae inline` is not a command.",
  "```sh",
  "npm ci",
  "npx vidmae embed videos/ --db vidmae.db --labels-from-dirs     # the main job",
  "# a comment line",
  "npx vidmae worker --queue redis://q:6379 \\",
  "    [--threads N] [--json]",
  "vidmae classify a.mp4 [--k 5]",
  "    [sampling options]",
  "```",
  "```ts",
  'vidmae("not shell");',
  "```",
  "```",
  "$ npx vidmae queue status --queue redis://q:6379",
  "queue vidmae-embed at redis://q:6379",
  "```",
].join("\n");

test("commandsIn reads shell blocks only, joins wrapped lines, drops prompts and comments", () => {
  assert.deepEqual(commandsIn(PAGE, "p.md"), [
    { file: "p.md", line: 4, text: "npx vidmae embed videos/ --db vidmae.db --labels-from-dirs" },
    { file: "p.md", line: 6, text: "npx vidmae worker --queue redis://q:6379 [--threads N] [--json]" },
    { file: "p.md", line: 8, text: "vidmae classify a.mp4 [--k 5] [sampling options]" },
    { file: "p.md", line: 15, text: "npx vidmae queue status --queue redis://q:6379" },
  ]);
});

test("synopses are told apart, and run in their minimal form only without placeholders", () => {
  assert.equal(isSynopsis("vidmae similar clip.mp4 --db vidmae.db"), false);
  assert.equal(isSynopsis('vidmae train --pipeline "pca(n_components=64)" --out m.json'), false);
  for (const s of ["vidmae a [--k 5]", "vidmae a <dir>", "vidmae export --out DIR", "vidmae a b …"])
    assert.equal(isSynopsis(s), true, s);
  assert.equal(
    minimalForm("vidmae similar clip.mp4 --db v.db [--k 10] [--metric cosine|l2]"),
    "vidmae similar clip.mp4 --db v.db",
  );
  assert.equal(minimalForm("vidmae export --db v.db --out DIR [--json]"), undefined);
  assert.equal(minimalForm("vidmae forward --model <dir|org/name> --out o [--threads N]"), undefined);
});

test("optionWords lists every option shown, inside brackets and alternatives, outside quotes", () => {
  assert.deepEqual(
    optionWords('vidmae forward [--num-heads N | --arch NAME] --out=o.st --pipeline "a,--b" -k 3'),
    ["--num-heads", "--arch", "--out", "--pipeline", "-k"],
  );
});

test("shellArgs splits as sh does: quotes removed, globs expanded (kept when nothing matches), npx dropped", async () => {
  const dir = tempDir("vidmae-shellargs-");
  await mkdir(join(dir, "new"));
  await writeFile(join(dir, "new", "b.mp4"), "");
  await writeFile(join(dir, "new", "a.mp4"), "");
  assert.deepEqual(shellArgs('npx vidmae predict new/*.mp4 --pipeline "a, b" none/*.mp4', dir), [
    "predict",
    "new/a.mp4",
    "new/b.mp4",
    "--pipeline",
    "a, b",
    "none/*.mp4",
  ]);
});
