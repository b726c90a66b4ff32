import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import type { Command } from "commander";
import { CLI_DOC, renderCliDoc } from "../../scripts/cli-doc.js";
import { buildProgram } from "../../src/cli/program.js";

test("docs/cli.md is what scripts/cli-doc.ts makes from the program now (else run npm run docs)", async () => {
  assert.equal(
    await readFile(CLI_DOC, "utf8"),
    await renderCliDoc(),
    "docs/cli.md is out of date: npm run docs",
  );
});

test("docs/cli.md has a section per command and a row per visible option", async () => {
  const page = await readFile(CLI_DOC, "utf8");
  const check = (cmd: Command, prefix: string) => {
    for (const c of cmd.commands) {
      const name = `${prefix}${c.name()}`;
      if (c.commands.length > 0) {
        check(c, `${name} `);
        continue;
      }
      assert.ok(page.includes(`## \`${name}\``), name);
      for (const o of c.options.filter((o) => !o.hidden))
        assert.ok(page.includes(`| \`${o.flags.replace(/\|/g, "\\|")}\``), `${name} ${o.flags}`);
    }
  };
  check(buildProgram(), "");
});
