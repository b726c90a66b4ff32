/**
 * `vidmae forward` (and the commands that share its model options) on VideoMAE V2 hub folders, hub repo ids
 * pulled through the fake hub, and original-code `.pth` checkpoints: the acceptance contract of
 * test/fixtures/videomae-v2/README.md.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../src/model/weights/tensor.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { fakeCommit, startFakeHub, type FakeHub } from "../helpers/fake-hub.js";
import { fixture } from "../helpers/fixtures.js";
import { writeV2HubFolder } from "../helpers/original-checkpoints.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { offlineEnv, tempDir } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { runCliInProcess } from "./helpers.js";

const TOLERANCE = 1e-4;
const tmp = tempDir("vidmae-cli-v2-");
const env = offlineEnv(tmp);

/** Runs `vidmae forward` and checks every output it wrote against the fixture's reference (both inputs' names). */
async function forwardMatches(name: string, model: string, extra: string[]): Promise<string[]> {
  const input = fixture(`videomae-v2/${name}/reference.safetensors`);
  const out = join(tmp, `${name}-${extra.length}.safetensors`);
  const run = await runCliInProcess(
    ["forward", "--model", model, ...extra, "--input", input, "--out", out, "--hidden-states"],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const [mine, ref] = await Promise.all([readSafetensors(out), readSafetensors(input)]);
  for (const [key, t] of mine) {
    const expected = toFloat32(ref.get(key)!, key, input);
    const got = toFloat32(t, key, out);
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    assert.ok(diff < TOLERANCE, `${name} ${key}: ${diff}`);
  }
  return [...mine.keys()].sort();
}

describe("vidmae forward on VideoMAE V2 and original-code checkpoints", () => {
  test("a V2 hub folder: last_hidden_state, pooled (fc_norm of the mean), hidden states", async () => {
    const keys = await forwardMatches("v2-hub", fixture("videomae-v2/v2-hub"), []);
    assert.deepEqual(keys, [
      "hidden_states.0",
      "hidden_states.1",
      "hidden_states.2",
      "last_hidden_state",
      "mean_pooled",
      "pooled",
    ]);
  });

  test("a V2 fine-tuned .pth (state dict under module) with --num-heads", async () => {
    const model = fixture("videomae-v2/v2-pth-classifier/checkpoint.pth");
    const keys = await forwardMatches("v2-pth-classifier", model, ["--num-heads", "4"]);
    assert.ok(keys.includes("logits") && keys.includes("pooled"));
  });

  test("a V1 original .pth (state dict under model, no qkv bias, final norm)", async () => {
    const model = fixture("videomae-v2/v1-original-pth/checkpoint.pth");
    const keys = await forwardMatches("v1-original-pth", model, ["--num-heads", "3"]);
    assert.ok(keys.includes("logits") && keys.includes("pooled"));
  });

  test("a .pth without --num-heads is a one-line error naming the flag", async () => {
    const model = fixture("videomae-v2/v1-original-pth/checkpoint.pth");
    const input = fixture("videomae-v2/v1-original-pth/reference.safetensors");
    const run = await runCliInProcess(
      ["forward", "--model", model, "--input", input, "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `vidmae: ${model}: a .pth checkpoint does not record its number of attention heads; give it with --num-heads N (or --arch, e.g. vit_base_patch16_224)\n`,
    );
  });
});

describe("vidmae pull of a V2 hub repo", () => {
  let hub: FakeHub;
  const commit = fakeCommit("v2");
  before(async () => {
    const dir = fixture("videomae-v2/v2-hub");
    const files: Record<string, Uint8Array | string> = {
      "README.md": "# VideoMAE V2",
      // The remote code the real repos carry: never fetched, never run.
      "modeling_videomaev2.py": "raise SystemExit('remote code must not run')",
      "modeling_config.py": "raise SystemExit('remote code must not run')",
    };
    for (const name of ["config.json", "preprocessor_config.json", "model.safetensors"])
      files[name] = await readFile(join(dir, name));
    hub = await startFakeHub({
      "OpenGVLab/VideoMAEv2-Tiny": { refs: { main: commit }, commits: { [commit]: files } },
    });
  });
  after(() => hub.close());

  test("pulls config, preprocessor config and weights only; then --model ORG/NAME works offline", async () => {
    const hubEnv = { ...env, HF_HUB_OFFLINE: undefined, HF_ENDPOINT: hub.url };
    const pull = await runCliInProcess(["pull", "OpenGVLab/VideoMAEv2-Tiny"], hubEnv);
    assert.equal(pull.code, 0, pull.stderr);
    const snapshot = join(env.HF_HUB_CACHE, "models--OpenGVLab--VideoMAEv2-Tiny", "snapshots", commit);
    const pulled = await Promise.all(
      ["modeling_videomaev2.py", "modeling_config.py", "config.json"].map((f) =>
        readFile(join(snapshot, f)).then(
          () => true,
          () => false,
        ),
      ),
    );
    assert.deepEqual(pulled, [false, false, true]);
    await hub.close();
    await forwardMatches("v2-hub", "OpenGVLab/VideoMAEv2-Tiny", []);
  });
});

describe("embed and classify on V2 and .pth models", () => {
  let video: string;
  before(async () => {
    video = await makeVideo(tmp, { name: "clip.mp4", width: 64, height: 48, frames: 20 });
  });

  test("embed (int8) with a V2 hub model: its own space, apart from a V1 model's of the same width", async () => {
    const db = join(tmp, "v2.db");
    const v1 = join(tmp, "v1");
    await writeTinyCheckpoint(v1, { config: { hidden_size: 32, num_attention_heads: 4, num_frames: 8 } });
    for (const model of [fixture("videomae-v2/v2-hub"), v1]) {
      const run = await runCliInProcess(
        ["embed", video, "--db", db, "--model", model, "--precision", "int8", "--json"],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
    }
    const store = await SqliteStore.open(db);
    const spaces = await store.listSpaces();
    await store.close();
    assert.equal(spaces.length, 2);
    assert.deepEqual(
      spaces.map((s) => [s.precision, s.dim, s.pooling]),
      [
        ["int8", 32, "mean"],
        ["int8", 32, "mean"],
      ],
    );
    assert.notEqual(spaces[0].key, spaces[1].key);
  });

  test("classify with a .pth head and no label map prints class indices", async () => {
    const run = await runCliInProcess(
      [
        "classify",
        video,
        "--model",
        fixture("videomae-v2/v2-pth-classifier/checkpoint.pth"),
        "--num-heads",
        "4",
        "--num-frames",
        "2",
        "--k",
        "5",
        "--json",
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const line = JSON.parse(run.stdout);
    assert.deepEqual(line.top.map((t: { label: string }) => t.label).sort(), ["0", "1", "2", "3", "4"]);
  });

  test("classify with a V2 hub classifier folder", async () => {
    const dir = join(tmp, "hub-classifier");
    await writeV2HubFolder(
      dir,
      {
        img_size: 32,
        patch_size: 8,
        num_frames: 4,
        embed_dim: 16,
        depth: 1,
        num_heads: 2,
        num_classes: 3,
        qkv_bias: true,
      },
      3,
    );
    const run = await runCliInProcess(["classify", video, "--model", dir, "--k", "1", "--json"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(["0", "1", "2"].includes(JSON.parse(run.stdout).top[0].label));
  });
});
