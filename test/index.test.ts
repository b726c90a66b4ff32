import assert from "node:assert/strict";
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
  assert.equal(api.VERSION, "0.1.0");
});
