import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DEMO_RANDOM_CONFIG, chooseDemoModel } from "../../src/demo/model.js";
import { parseVideoMAEConfig } from "../../src/model/videomae/config.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { fakeCommit, startFakeHub, type FakeHub } from "../helpers/fake-hub.js";
import { tempDir } from "../helpers/temp.js";

describe("chooseDemoModel", () => {
  const dir = tempDir();
  const commit = fakeCommit("demo-model");
  let hub: FakeHub;
  before(async () => {
    const src = join(dir, "src-model");
    await writeTinyCheckpoint(src);
    const files = Object.fromEntries(
      ["config.json", "model.safetensors", "preprocessor_config.json"].map((f) => [
        f,
        readFileSync(join(src, f)),
      ]),
    );
    hub = await startFakeHub({ "org/pretrained": { refs: { main: commit }, commits: { [commit]: files } } });
  });
  after(() => hub.close());

  test("falls back to a seeded random-weight model when the hub model is neither cached nor reachable", async () => {
    const env = { HF_HUB_CACHE: join(dir, "empty-cache"), HF_ENDPOINT: "http://127.0.0.1:9" };
    const choice = await chooseDemoModel({ workDir: join(dir, "work"), hubModel: "org/pretrained", env });
    assert.equal(choice.random, true);
    assert.equal(choice.dir, join(dir, "work", "random-videomae"));
    assert.equal(choice.name, choice.dir);
    assert.match(
      choice.reason,
      /^org\/pretrained is neither cached nor reachable \(.+\); using a seeded random-weight VideoMAE$/,
    );
    const config = parseVideoMAEConfig(
      JSON.parse(readFileSync(join(choice.dir, "config.json"), "utf8")),
      "config",
    );
    for (const [key, value] of Object.entries(DEMO_RANDOM_CONFIG))
      assert.equal(config[key as keyof typeof config], value);
  });

  test("offline, it never asks the hub", async () => {
    hub.requests.length = 0;
    const env = { HF_HUB_CACHE: join(dir, "empty-cache"), HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: "1" };
    const choice = await chooseDemoModel({ workDir: join(dir, "offline"), hubModel: "org/pretrained", env });
    assert.equal(choice.random, true);
    assert.equal(hub.requests.length, 0);
  });

  test("takes the hub model when the hub answers, then from the cache", async () => {
    const env = { HF_HUB_CACHE: join(dir, "hf"), HF_ENDPOINT: hub.url };
    const first = await chooseDemoModel({ workDir: join(dir, "w1"), hubModel: "org/pretrained", env });
    assert.deepEqual(
      { random: first.random, name: first.name, reason: first.reason },
      { random: false, name: "org/pretrained", reason: "downloaded from the hub" },
    );
    assert.ok(first.dir.endsWith(join("snapshots", commit)), first.dir);
    const second = await chooseDemoModel({
      workDir: join(dir, "w2"),
      hubModel: "org/pretrained",
      env: { ...env, HF_ENDPOINT: "http://127.0.0.1:9" },
    });
    assert.equal(second.reason, "found in the Hugging Face cache");
    assert.equal(second.dir, first.dir);
  });

  test("uses the model it is given, as is", async () => {
    const choice = await chooseDemoModel({ workDir: dir, model: join(dir, "src-model") });
    assert.deepEqual(choice, {
      dir: join(dir, "src-model"),
      name: join(dir, "src-model"),
      random: false,
      reason: "as asked",
    });
  });
});
