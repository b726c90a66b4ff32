import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import onnxProto from "onnx-proto";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../src/model/weights/tensor.js";
import { type FakeHub, fakeCommit, startFakeHub } from "../helpers/fake-hub.js";
import { fixture } from "../helpers/fixtures.js";
import { runCli, runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-"));
  // Keep every cache of these runs inside the temp dir, and never reach a real hub.
  env = {
    VIDMAE_CACHE: join(tmp, "vidmae-cache"),
    HF_HUB_CACHE: join(tmp, "hf-cache"),
    HF_ENDPOINT: "http://127.0.0.1:9",
    HF_TOKEN: "",
  };
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs `vidmae forward` on a fixture's reference input and compares every output it shares with the reference. */
async function checkForward(modelDir: string, refDir: string, tag: string): Promise<string[]> {
  const out = join(tmp, `${tag}.safetensors`);
  const run = await runCliInProcess(
    [
      "forward",
      "--model",
      modelDir,
      "--input",
      join(refDir, "reference.safetensors"),
      "--out",
      out,
      "--hidden-states",
    ],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
  const got = await readSafetensors(out);
  const ref = await readSafetensors(join(refDir, "reference.safetensors"));
  for (const [name, t] of got) {
    assert.equal(t.dtype, "F32");
    const expected = ref.get(name);
    assert.ok(expected, `reference has ${name}`);
    assert.deepEqual(t.shape, expected.shape, name);
    const diff = maxAbsDiff(toFloat32(t, name, out), toFloat32(expected, name, "ref"));
    assert.ok(diff <= 1e-4, `${tag} ${name}: max abs error ${diff}`);
  }
  return [...got.keys()].sort();
}

describe("vidmae forward", () => {
  test("matches the reference for the three checkpoint classes within 1e-4", async () => {
    const hs = ["hidden_states.0", "hidden_states.1", "hidden_states.2"];
    assert.deepEqual(
      await checkForward(fixture("videomae/tiny-model"), fixture("videomae/tiny-model"), "model"),
      [...hs, "last_hidden_state", "mean_pooled"],
    );
    assert.deepEqual(
      await checkForward(
        fixture("videomae/tiny-classifier"),
        fixture("videomae/tiny-classifier"),
        "classifier",
      ),
      [...hs, "last_hidden_state", "logits", "mean_pooled", "pooled"],
    );
    assert.deepEqual(
      await checkForward(fixture("videomae/tiny-pretrain"), fixture("videomae/tiny-pretrain"), "pretrain"),
      [...hs, "last_hidden_state", "mean_pooled"],
    );
  });

  test("matches the reference from the pytorch_model.bin copy", async () => {
    const dir = join(tmp, "bin-model");
    await mkdir(dir);
    await copyFile(fixture("videomae/tiny-classifier/config.json"), join(dir, "config.json"));
    await copyFile(fixture("videomae/tiny-classifier/pytorch_model.bin"), join(dir, "pytorch_model.bin"));
    await checkForward(dir, fixture("videomae/tiny-classifier"), "bin");
  });

  test("bad checkpoints and inputs print one clear line and exit 1", async () => {
    const noConfig = join(tmp, "no-config");
    await mkdir(noConfig);
    const input = fixture("videomae/tiny-model/reference.safetensors");
    const run = await runCliInProcess(
      ["forward", "--model", noConfig, "--input", input, "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `vidmae: ${join(noConfig, "config.json")}: missing; a VideoMAE model directory needs a config.json\n`,
    );

    const truncated = join(tmp, "truncated");
    await mkdir(truncated);
    await copyFile(fixture("videomae/tiny-model/config.json"), join(truncated, "config.json"));
    const weights = await readFile(fixture("videomae/tiny-model/model.safetensors"));
    await writeFile(join(truncated, "model.safetensors"), weights.subarray(0, weights.byteLength - 1000));
    const bad = await runCliInProcess(
      ["forward", "--model", truncated, "--input", input, "--out", join(tmp, "x.safetensors")],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /^vidmae: \S+model\.safetensors: file is truncated: tensor \S+ ends at byte \d+ of a \d+-byte data section\n$/,
    );
    assert.doesNotMatch(bad.stderr, /\n\s+at /); // no stack trace

    const wrongInput = await runCliInProcess(
      [
        "forward",
        "--model",
        fixture("videomae/tiny-model"),
        "--input",
        fixture("videomae/tiny-classifier/model.safetensors"),
        "--out",
        join(tmp, "x.safetensors"),
      ],
      env,
    );
    assert.equal(wrongInput.code, 1);
    assert.match(
      wrongInput.stderr,
      /^vidmae: \S+: no tensor named pixel_values \(found: classifier\.bias, classifier\.weight, /,
    );

    const threads = await runCliInProcess(["forward", "--input", input, "--out", "x", "--threads", "0"], env);
    assert.equal(threads.code, 1);
    assert.equal(
      threads.stderr,
      'vidmae: Expected integer from 1 to 1024 for --threads but received "0" of type string\n',
    );
  });
});

describe("vidmae export-onnx", () => {
  test("writes a standalone graph with named inputs/outputs and the label map", async () => {
    const out = join(tmp, "classifier.onnx");
    const run = await runCliInProcess(
      ["export-onnx", "--model", fixture("videomae/tiny-classifier"), "--out", out],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const model = onnxProto.onnx.ModelProto.decode(await readFile(out));
    assert.deepEqual(
      model.graph!.input!.map((i) => i.name),
      ["pixel_values"],
    );
    assert.deepEqual(
      model.graph!.output!.map((o) => o.name),
      ["last_hidden_state", "mean_pooled", "pooled", "logits"],
    );
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    assert.equal(JSON.parse(meta.id2label)["4"], "juggling");
    assert.equal(meta.model_type, "videomae");
  });

  test("--frames is the deprecated spelling of --num-frames, with a one-line notice", async () => {
    const model = fixture("videomae/tiny-classifier");
    const old = await runCliInProcess(
      ["export-onnx", "--model", model, "--out", join(tmp, "old.onnx"), "--frames", "4"],
      env,
    );
    assert.equal(old.code, 0, old.stderr);
    assert.equal(old.stderr, "vidmae: --frames is deprecated; use --num-frames\n");
    const current = await runCliInProcess(
      ["export-onnx", "--model", model, "--out", join(tmp, "new.onnx"), "--num-frames", "4"],
      env,
    );
    assert.equal(current.code, 0, current.stderr);
    assert.equal(current.stderr, "");
    assert.deepEqual(await readFile(join(tmp, "old.onnx")), await readFile(join(tmp, "new.onnx")));
  });
});

describe("vidmae pull and --model org/name against a local hub", () => {
  let hub: FakeHub;
  const commit = fakeCommit("tiny-classifier");
  before(async () => {
    const dir = fixture("videomae/tiny-classifier");
    const files: Record<string, Uint8Array> = {};
    for (const f of [
      "config.json",
      "preprocessor_config.json",
      "model.safetensors",
      "pytorch_model.bin",
      "README.md",
    ])
      files[f] = f === "README.md" ? Buffer.from("# tiny") : await readFile(join(dir, f));
    hub = await startFakeHub({
      "test-org/tiny-classifier": { refs: { main: commit }, commits: { [commit]: files } },
    });
  });
  after(async () => hub.close());

  test("pull downloads only the needed files into the HF cache layout, then --model uses them", async () => {
    const hubEnv = { ...env, HF_ENDPOINT: hub.url };
    const pull = await runCli(["pull", "test-org/tiny-classifier"], hubEnv); // end to end: the built program
    assert.equal(pull.code, 0, pull.stderr);
    const snapshot = join(env.HF_HUB_CACHE, "models--test-org--tiny-classifier", "snapshots", commit);
    assert.equal(pull.stdout, `${snapshot}\n`);
    assert.equal(
      (
        await readFile(join(env.HF_HUB_CACHE, "models--test-org--tiny-classifier", "refs", "main"), "utf8")
      ).trim(),
      commit,
    );
    const { readdir } = await import("node:fs/promises");
    assert.deepEqual((await readdir(snapshot)).sort(), [
      "config.json",
      "model.safetensors",
      "preprocessor_config.json",
    ]);

    // Offline, the cached snapshot serves --model org/name.
    const offline = { ...hubEnv, HF_HUB_OFFLINE: "1" };
    const out = join(tmp, "hub-forward.safetensors");
    const fwd = await runCliInProcess(
      [
        "forward",
        "--model",
        "test-org/tiny-classifier",
        "--input",
        fixture("videomae/tiny-classifier/reference.safetensors"),
        "--out",
        out,
      ],
      offline,
    );
    assert.equal(fwd.code, 0, fwd.stderr);
    const logits = (await readSafetensors(out)).get("logits")!;
    const ref = (await readSafetensors(fixture("videomae/tiny-classifier/reference.safetensors"))).get(
      "logits",
    )!;
    assert.ok(maxAbsDiff(toFloat32(logits, "l", out), toFloat32(ref, "l", "ref")) <= 1e-4);
  });

  test("pull of a missing repo exits 1 with the hub's reason", async () => {
    const run = await runCliInProcess(["pull", "test-org/nope"], { ...env, HF_ENDPOINT: hub.url });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^vidmae: .*test-org\/nope.*\n$/);
  });
});
