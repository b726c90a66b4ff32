import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { encodeSafetensors, readSafetensors } from "../../../src/model/weights/safetensors.js";
import { readSharded, shardPaths } from "../../../src/model/weights/sharded.js";
import { fromFloat32 } from "../../../src/model/weights/tensor.js";

let tmp = "";
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-sharded-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const shard = (name: string) => encodeSafetensors({ [name]: fromFloat32(new Float32Array([1, 2]), [2]) });

/** A model folder with shard a.safetensors (tensor "a") and an index mapping `weightMap` (plus "a"). */
async function folder(name: string, weightMap: Record<string, string>): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "a.safetensors"), shard("a"));
  const index = join(dir, "model.safetensors.index.json");
  await writeFile(index, JSON.stringify({ metadata: {}, weight_map: { a: "a.safetensors", ...weightMap } }));
  return index;
}

async function rejectsExactly(p: Promise<unknown>, message: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.equal(e.code, "E_WEIGHTS");
    assert.equal(e.message, message);
    return true;
  });
}

describe("sharded checkpoints: each weight_map entry is checked", () => {
  it("reads shards in the folder, through a symlink inside it, and through a hub-cache blob link", async () => {
    const index = await folder("ok", { b: "sub/b.safetensors", c: "c.safetensors" });
    const dir = join(tmp, "ok");
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "b.safetensors"), shard("b"));
    await writeFile(join(dir, "real-c.safetensors"), shard("c"));
    await symlink("real-c.safetensors", join(dir, "c.safetensors"));
    const { tensors, shards } = await readSharded(index, readSafetensors);
    assert.deepEqual([...tensors.keys()].sort(), ["a", "b", "c"]);
    assert.deepEqual(shards, [
      join(dir, "a.safetensors"),
      join(dir, "c.safetensors"),
      join(dir, "sub/b.safetensors"),
    ]);

    const repo = join(tmp, "hub", "models--org--name");
    const snapshot = join(repo, "snapshots", "0".repeat(40));
    await mkdir(join(repo, "blobs"), { recursive: true });
    await mkdir(snapshot, { recursive: true });
    await writeFile(join(repo, "blobs", "abc123"), shard("h"));
    await symlink("../../blobs/abc123", join(snapshot, "h.safetensors"));
    await writeFile(
      join(snapshot, "model.safetensors.index.json"),
      JSON.stringify({ weight_map: { h: "h.safetensors" } }),
    );
    const hub = await readSharded(join(snapshot, "model.safetensors.index.json"), readSafetensors);
    assert.deepEqual([...hub.tensors.keys()], ["h"]);
  });

  it("names a missing shard, an absolute entry and one with ..", async () => {
    let index = await folder("missing", { b: "b.safetensors" });
    await rejectsExactly(
      shardPaths(index),
      `${index}: weight_map entry b -> "b.safetensors" names a shard that does not exist`,
    );
    index = await folder("absolute", { b: join(tmp, "missing", "a.safetensors") });
    await rejectsExactly(
      readSharded(index, readSafetensors),
      `${index}: weight_map entry b -> ${JSON.stringify(join(tmp, "missing", "a.safetensors"))} is an absolute path`,
    );
    index = await folder("dotdot", { b: "../missing/a.safetensors" });
    await rejectsExactly(
      readSharded(index, readSafetensors),
      `${index}: weight_map entry b -> "../missing/a.safetensors" climbs out of the model folder with ..`,
    );
  });

  it("names a directory, a FIFO and a symlink out of the folder, without blocking on the FIFO", async () => {
    let index = await folder("dir", { b: "b.safetensors" });
    await mkdir(join(tmp, "dir", "b.safetensors"));
    await rejectsExactly(
      readSharded(index, readSafetensors),
      `${index}: weight_map entry b -> "b.safetensors" is a directory, not a regular file`,
    );
    index = await folder("fifo", { b: "b.safetensors" });
    execFileSync("mkfifo", [join(tmp, "fifo", "b.safetensors")]);
    const started = performance.now();
    await rejectsExactly(
      readSharded(index, readSafetensors),
      `${index}: weight_map entry b -> "b.safetensors" is a FIFO, not a regular file`,
    );
    assert.ok(performance.now() - started < 1000);
    index = await folder("out", { b: "b.safetensors" });
    await writeFile(join(tmp, "outside.safetensors"), shard("b"));
    await symlink(join(tmp, "outside.safetensors"), join(tmp, "out", "b.safetensors"));
    await rejectsExactly(
      readSharded(index, readSafetensors),
      `${index}: weight_map entry b -> "b.safetensors" resolves (through a symlink) to a file outside the model folder`,
    );
  });

  it("names a malformed index in one line", async () => {
    const index = join(tmp, "bad.index.json");
    await writeFile(index, JSON.stringify({ weight_map: { a: 7 } }));
    await rejectsExactly(
      shardPaths(index),
      `${index}: not a valid shard index (expected {"weight_map": {tensor: file}}; weight_map.a is malformed)`,
    );
  });
});
