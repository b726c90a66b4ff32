import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { resolveModelDir } from "../../../src/model/hub/resolve.js";
import { fakeCommit, startFakeHub, type FakeHub } from "../../helpers/fake-hub.js";

const COMMIT = fakeCommit("main");
let hub: FakeHub;
let dir: string;

before(async () => {
  hub = await startFakeHub({
    "org/videomae": {
      refs: { main: COMMIT },
      commits: { [COMMIT]: { "config.json": "{}", "pytorch_model.bin": "w" } },
    },
  });
  dir = await mkdtemp(join(tmpdir(), "vidmae-resolve-"));
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

test("an existing directory is returned as it was given", async () => {
  assert.equal(await resolveModelDir(dir), dir);
});

test("a repo id is pulled into the cache and its snapshot returned", async () => {
  const cacheDir = join(dir, "hub");
  const resolved = await resolveModelDir("org/videomae", {
    endpoint: hub.url,
    cacheDir,
    env: { HF_HOME: dir },
  });
  assert.equal(resolved, join(cacheDir, "models--org--videomae", "snapshots", COMMIT));
});

test("anything else is E_INVALID_ARGUMENT", async () => {
  for (const model of ["./no/such/dir", "just-a-name", join(dir, "missing")]) {
    await assert.rejects(resolveModelDir(model), {
      code: "E_INVALID_ARGUMENT",
      message: `Expected a model directory or a Hugging Face repo id (org/name) for model but received ${JSON.stringify(model)} of type string`,
    });
  }
});
