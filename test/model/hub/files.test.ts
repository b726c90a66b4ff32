import assert from "node:assert/strict";
import { isAbsolute, join, normalize, relative } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { chooseModelFiles, findIndex, isSafeRelativePath, shardNames } from "../../../src/model/hub/files.js";
import { fuzzParameters } from "../../fuzz/settings.js";

test("chooseModelFiles prefers safetensors, then its index, then pytorch_model.bin, then its index", () => {
  const base = ["config.json", "README.md", "tf_model.h5"];
  const all = [
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
  ];
  for (let i = 0; i < all.length; i++) {
    assert.deepEqual(chooseModelFiles([...base, ...all.slice(i)]), { files: ["config.json", all[i]] });
  }
  assert.deepEqual(chooseModelFiles([...base, "preprocessor_config.json", "pytorch_model.bin"]), {
    files: ["config.json", "preprocessor_config.json", "pytorch_model.bin"],
  });
});

test("chooseModelFiles names what is missing", () => {
  assert.deepEqual(chooseModelFiles(["model.safetensors"]), { missing: "config.json" });
  assert.deepEqual(chooseModelFiles(["config.json", "tf_model.h5"]), {
    missing:
      "weights (model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json)",
  });
});

test("findIndex finds a sharded-weights index", () => {
  assert.equal(findIndex(["config.json", "pytorch_model.bin.index.json"]), "pytorch_model.bin.index.json");
  assert.equal(findIndex(["config.json", "model.safetensors"]), undefined);
});

test("shardNames lists each shard once, sorted", () => {
  const index = JSON.stringify({ metadata: {}, weight_map: { a: "s-2.bin", b: "s-1.bin", c: "s-2.bin" } });
  assert.deepEqual(shardNames(index, "idx"), ["s-1.bin", "s-2.bin"]);
});

test("shardNames rejects malformed indexes and escaping shard paths", () => {
  assert.throws(() => shardNames("{", "idx"), { code: "E_CHECKPOINT", message: /^Cannot parse idx: / });
  assert.throws(() => shardNames("{}", "idx"), {
    code: "E_CHECKPOINT",
    message: 'idx has no "weight_map" object',
  });
  assert.throws(() => shardNames('{"weight_map":{}}', "idx"), {
    code: "E_CHECKPOINT",
    message: "idx names no shard files",
  });
  assert.throws(() => shardNames('{"weight_map":{"a":"../x.bin"}}', "idx"), {
    code: "E_CHECKPOINT",
    message: 'idx names an invalid shard path: "../x.bin"',
  });
  assert.throws(() => shardNames('{"weight_map":{"a":7}}', "idx"), {
    message: "idx names an invalid shard path: 7",
  });
});

test("isSafeRelativePath accepts nested names and refuses escapes", () => {
  for (const ok of ["main", "refs/pr/1", "sub/model.bin"]) assert.equal(isSafeRelativePath(ok), true, ok);
  for (const bad of ["", "..", "a/../b", "/etc", "a//b", "./a", "a\\b", "a\u0000b", "a\nb", "a/", "\u007f"])
    assert.equal(isSafeRelativePath(bad), false, JSON.stringify(bad));
});

test("a path isSafeRelativePath accepts stays inside the folder it is joined to", () => {
  const root = "/cache/snapshots/c0ffee";
  const segment = fc.oneof(
    fc.constantFrom("..", ".", "", "a", "\\", "\u0000", "b.bin"),
    fc.string({ maxLength: 4 }),
  );
  const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join("/"));
  fc.assert(
    fc.property(fc.oneof(path, fc.string()), (name) => {
      if (!isSafeRelativePath(name)) return;
      const inside = relative(root, join(root, name));
      assert.ok(inside !== "" && !inside.startsWith("..") && !isAbsolute(inside), name);
      assert.equal(normalize(name), name);
    }),
    fuzzParameters(),
  );
});
