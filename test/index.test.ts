import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as api from "vidmae";

test("the package entry exports the public API under its own name", () => {
  for (const name of [
    "VideoMAE",
    "VidmaeError",
    "loadCheckpoint",
    "pullModel",
    "readSafetensors",
    "writeRandomCheckpoint",
    "VERSION",
  ])
    assert.ok(name in api, name);
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  assert.equal(api.VERSION, pkg.version);
});
