import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ERROR_CODES, isErrorCode } from "../../src/errors.js";
import { SERVER_ERROR_CODES } from "../../src/server/http-errors.js";
import { ROOT } from "./helpers.js";

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
}

describe("error codes", () => {
  it("every code the source throws or names is in ERROR_CODES (or the server's own list)", async () => {
    const known = new Set<string>([...ERROR_CODES, ...SERVER_ERROR_CODES]);
    const library = new Set<string>(ERROR_CODES);
    const unknown: string[] = [];
    let thrown = 0;
    for (const file of await sources(join(ROOT, "src"))) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/"(E_[A-Z0-9_]+)"/g))
        if (!known.has(m[1])) unknown.push(`${file}: ${m[1]}`);
      // What VidmaeError and wrapError carry must be a library code, not a server one.
      for (const m of text.matchAll(/(?:new VidmaeError|wrapError)\(\s*(?:[^,()]+,\s*)?"(E_[A-Z0-9_]+)"/g)) {
        thrown++;
        if (!library.has(m[1])) unknown.push(`${file}: VidmaeError ${m[1]}`);
      }
    }
    assert.deepEqual(unknown, []);
    assert.ok(thrown > 50, `${thrown} codes thrown`);
  });

  it("codes that arrive as data are checked with isErrorCode", () => {
    assert.equal(isErrorCode("E_WORKER"), true);
    assert.equal(isErrorCode("E_HUB_REPLY"), true);
    assert.equal(isErrorCode("E_NOPE"), false);
    assert.equal(isErrorCode("toString"), false);
    assert.equal(isErrorCode(undefined), false);
  });
});
