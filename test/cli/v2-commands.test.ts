/**
 * The commands beyond `forward`/`embed`/`classify` on VideoMAE V2 hub folders and original-code `.pth` files:
 * `predict` and `similar` reload a `.pth` space's model (with `--num-heads`, which a `.pth` does not record), the
 * worker's model cache does the same, `frames` reads a V2 folder's or a `.pth`'s frame count and preprocessing,
 * and `export-onnx --image-size` sizes a `.pth` model's graph.
 */
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { before, describe, test } from "node:test";
import * as ort from "onnxruntime-node";
import { ModelCache } from "../../src/distributed/models.js";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../src/model/weights/tensor.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { fixture } from "../helpers/fixtures.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { offlineEnv, tempDir } from "../helpers/temp.js";
import { runCliInProcess } from "./helpers.js";

// Real path: the store records videos by theirs.
const tmp = realpathSync(tempDir("vidmae-cli-v2-commands-"));
const env = offlineEnv(tmp);
/** The V2 fine-tuned fixture: 4 heads, patch 8, 5 classes (test/fixtures/videomae-v2/README.md). */
const PTH_FIXTURE = fixture("videomae-v2/v2-pth-classifier/checkpoint.pth");
const HEADS_ERROR = (pth: string) =>
  `vidmae: ${pth}: a .pth checkpoint does not record its number of attention heads; give it with --num-heads N (or --arch, e.g. vit_base_patch16_224)\n`;

describe("predict, similar and the worker on a space embedded with a .pth", () => {
  let pth: string;
  let db: string;
  const videos: string[] = [];
  before(async () => {
    pth = join(tmp, "v2-classifier.pth");
    await copyFile(PTH_FIXTURE, pth);
    db = join(tmp, "pth.db");
    const rows: string[] = [];
    for (const [i, source] of ["testsrc2", "mandelbrot", "smptebars", "color=c=blue"].entries()) {
      const video = await makeVideo(tmp, { name: `v${i}.mp4`, source, frames: 12 });
      videos.push(video);
      rows.push(`${video},${i < 2 ? "busy" : "flat"}`);
    }
    const labels = join(tmp, "labels.csv");
    await writeFile(labels, `path,label\n${rows.join("\n")}\n`);
    // Named relative to the working directory: the space records the real absolute path, so the model loads from
    // anywhere. Two frames per clip keep the original code's 224 px preprocessing quick.
    const args = ["--model", relative(process.cwd(), pth), "--num-heads", "4", "--num-frames", "2"];
    const run = await runCliInProcess(["embed", ...videos, "--db", db, ...args, "--labels", labels], env);
    assert.equal(run.code, 0, run.stderr);
    const store = await SqliteStore.open(db);
    assert.deepEqual(
      (await store.listSpaces()).map((s) => s.model),
      [pth],
    );
    await store.close();
  });

  test("similar: the query video's own stored copy is its nearest neighbour, at distance 0", async () => {
    const run = await runCliInProcess(
      ["similar", videos[1], "--db", db, "--num-heads", "4", "--k", "2", "--json"],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const hits = JSON.parse(run.stdout) as { path: string; distance: number }[];
    assert.equal(hits.length, 2);
    assert.equal(hits[0].path, videos[1]);
    assert.ok(Math.abs(hits[0].distance) < 1e-5, `${hits[0].distance}`);
    assert.ok(hits[1].distance > 1e-3, `${hits[1].distance}`);
  });

  test("similar without --num-heads says which flag the space's .pth needs; a wrong count is refused", async () => {
    const run = await runCliInProcess(["similar", videos[0], "--db", db], env);
    assert.deepEqual({ code: run.code, stderr: run.stderr }, { code: 1, stderr: HEADS_ERROR(pth) });
    // Another head count is another model (its weights hash says so): refused, nothing embedded.
    const wrong = await runCliInProcess(["similar", videos[0], "--db", db, "--num-heads", "2"], env);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /^vidmae: \S+ \(\S+\) has weights sha256:[0-9a-f]+, but the embedding space was made with weights sha256:[0-9a-f]+; use the exact checkpoint the space was embedded with\n$/,
    );
  });

  test("predict embeds new files with the space's .pth and gives the stored videos' labels back", async () => {
    const classifier = join(tmp, "classifier.json");
    const train = await runCliInProcess(["train", "--db", db, "--out", classifier], env);
    assert.equal(train.code, 0, train.stderr);
    const stored = await runCliInProcess(["predict", "--classifier", classifier, "--db", db, "--json"], env);
    assert.equal(stored.code, 0, stored.stderr);
    const files = await runCliInProcess(
      ["predict", ...videos, "--classifier", classifier, "--num-heads", "4", "--json"],
      env,
    );
    assert.equal(files.code, 0, files.stderr);
    const fromStore = JSON.parse(stored.stdout) as { predictions: string[]; paths: string[] };
    const fromFiles = JSON.parse(files.stdout) as { predictions: string[]; paths: string[] };
    const byPath = new Map(fromStore.paths.map((p, i) => [p, fromStore.predictions[i]]));
    // Re-embedding the same files with the reloaded .pth gives the stored vectors, hence the same labels.
    assert.deepEqual(
      fromFiles.predictions,
      fromFiles.paths.map((p) => byPath.get(p)),
    );
    assert.equal(fromFiles.predictions.length, 4);
  });

  test("the worker's model cache loads a job's .pth with its --num-heads and reproduces the space", async () => {
    const store = await SqliteStore.open(db);
    const [space] = await store.listSpaces();
    const stored = await store.loadVectors(space.id, { level: "video" });
    await store.close();
    const models = new ModelCache({ numHeads: 4 });
    try {
      const embedder = await models.embedder({ name: pth, revision: null }, space);
      const { vector } = await embedder.embedVideo(videos[2]);
      const row = stored.rows.findIndex((r) => r.path === videos[2]);
      assert.ok(row >= 0, stored.rows.map((r) => r.path).join(", "));
      const want = stored.data.subarray(row * space.dim, (row + 1) * space.dim);
      let diff = 0;
      for (let i = 0; i < space.dim; i++) diff = Math.max(diff, Math.abs(vector[i] - want[i]));
      assert.ok(diff < 1e-5, `${diff}`);
    } finally {
      await models.release();
    }
    await assert.rejects(
      new ModelCache().embedder({ name: pth, revision: null }, space),
      (e: Error) => e.message === HEADS_ERROR(pth).slice("vidmae: ".length, -1),
    );
  });
});

describe("frames with V2 and .pth models", () => {
  let video: string;
  before(async () => {
    video = await makeVideo(tmp, { name: "frames.mp4", frames: 20 });
  });

  test("a V2 hub folder: its num_frames (8) and 32 px preprocessing", async () => {
    const out = join(tmp, "hub-frames.safetensors");
    const run = await runCliInProcess(
      ["frames", video, "--model", fixture("videomae-v2/v2-hub"), "--out", out],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readSafetensors(out)).get("pixel_values")!.shape, [1, 8, 3, 32, 32]);
  });

  test("a .pth: the original code's 224 px preprocessing, 16 frames (no position table to say otherwise)", async () => {
    const out = join(tmp, "pth-frames.safetensors");
    const run = await runCliInProcess(
      ["frames", video, "--model", PTH_FIXTURE, "--num-heads", "4", "--out", out],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readSafetensors(out)).get("pixel_values")!.shape, [1, 16, 3, 224, 224]);
    const bare = await runCliInProcess(["frames", video, "--model", PTH_FIXTURE, "--out", out], env);
    assert.deepEqual({ code: bare.code, stderr: bare.stderr }, { code: 1, stderr: HEADS_ERROR(PTH_FIXTURE) });
  });
});

describe("export-onnx --image-size for a .pth", () => {
  test("the exported 32 px graph gives the fixture's reference logits", async () => {
    const out = join(tmp, "pth.onnx");
    const run = await runCliInProcess(
      [
        "export-onnx",
        "--model",
        PTH_FIXTURE,
        "--num-heads",
        "4",
        "--num-frames",
        "8",
        "--image-size",
        "32",
        "--out",
        out,
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const reference = fixture("videomae-v2/v2-pth-classifier/reference.safetensors");
    const ref = await readSafetensors(reference);
    const input = ref.get("pixel_values")!;
    const session = await ort.InferenceSession.create(await readFile(out));
    const result = await session.run({
      pixel_values: new ort.Tensor("float32", toFloat32(input, "pixel_values", reference), input.shape),
    });
    const logits = result.logits.data as Float32Array;
    const want = toFloat32(ref.get("logits")!, "logits", reference);
    assert.equal(logits.length, want.length);
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(logits[i] - want[i]));
    assert.ok(diff < 1e-4, `${diff}`);
    await session.release();
  });

  test("a side that is not a multiple of the patch size is refused", async () => {
    const run = await runCliInProcess(
      [
        "export-onnx",
        "--model",
        PTH_FIXTURE,
        "--num-heads",
        "4",
        "--image-size",
        "30",
        "--out",
        join(tmp, "x.onnx"),
      ],
      env,
    );
    assert.deepEqual(
      { code: run.code, stderr: run.stderr },
      {
        code: 1,
        stderr:
          "vidmae: Expected positive multiple of patch_size (8) for size but received 30 of type number\n",
      },
    );
  });
});
