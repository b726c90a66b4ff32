import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));

test("importing the package from `node -e` (a global __dirname) finishes and loads no native add-on", () => {
  // usearch's ES module, imported eagerly, climbed `..` from the global __dirname until a RangeError (minutes);
  // onnxruntime, better-sqlite3 and pg load at their first use (src/native.ts), so the import stays fast.
  const run = spawnSync(
    process.execPath,
    [
      "-e",
      `import(${JSON.stringify(entry)}).then((m) => console.log(typeof m.VideoMAE, ` +
        `JSON.stringify(Object.keys(require.cache).filter((p) => ` +
        `/node_modules\\/(usearch|onnxruntime-node|onnxruntime-common|better-sqlite3|pg)\\//.test(p)))))`,
    ],
    { cwd: tmpdir(), encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "function []");
});

test("a native add-on loads at its first use: a store opens, a model session runs", () => {
  const run = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { openStore } = await import(${JSON.stringify(entry)});` +
        `const { createRequire } = await import("node:module");` +
        `const store = await openStore(":memory:"); await store.close();` +
        `const cache = Object.keys(createRequire(import.meta.url).cache);` +
        `const loaded = (n) => cache.some((p) => p.includes("/node_modules/" + n + "/"));` +
        `console.log(loaded("better-sqlite3"), loaded("onnxruntime-node"));`,
    ],
    { cwd: tmpdir(), encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "true false");
});
