import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));

test("importing the package from `node -e` (a global __dirname) finishes and loads no search add-on", () => {
  // usearch's ES module, imported eagerly, climbed `..` from the global __dirname until a RangeError (minutes).
  const run = spawnSync(
    process.execPath,
    [
      "-e",
      `import(${JSON.stringify(entry)}).then((m) => console.log(typeof m.VideoMAE, ` +
        `Object.keys(require.cache).some((p) => p.includes("usearch"))))`,
    ],
    { cwd: tmpdir(), encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "function false");
});
