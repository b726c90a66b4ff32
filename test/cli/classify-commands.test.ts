import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { describeSpace } from "../../src/space/compare.js";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { type EmbeddingSpace, keyedSpace } from "../../src/space/spec.js";
import { sklearnPath } from "../classify/helpers.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
let modelDir: string;
let db: string;
let space: EmbeddingSpace;
let labelled: string[];
let unlabelled: string;
const iris = {
  x: sklearnPath("iris/X_train.npy"),
  y: sklearnPath("iris/y_train.txt"),
  testX: sklearnPath("iris/X_test.npy"),
  testY: sklearnPath("iris/y_test.txt"),
};

/** Runs the CLI and checks it succeeded. */
async function ok(args: string[]) {
  const result = await runCliInProcess(args, env);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

/** Runs the CLI and checks it failed with exactly this message. */
async function fails(args: string[], message: string) {
  const result = await runCliInProcess(args, env);
  assert.equal(result.stderr, `vidmae: ${message}\n`);
  assert.equal(result.code, 1);
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-classify-"));
  env = offlineEnv(tmp);
  modelDir = join(tmp, "model");
  await writeTinyCheckpoint(modelDir);
  labelled = [];
  const sources = { bars: "smptebars", pattern: "testsrc2", fractal: "mandelbrot" };
  for (const [label, source] of Object.entries(sources)) {
    await mkdir(join(tmp, "videos", label), { recursive: true });
    for (let i = 0; i < 3; i++)
      labelled.push(
        await makeVideo(join(tmp, "videos", label), {
          name: `${label}${i}.mp4`,
          source,
          frames: 8 + 2 * i,
          width: 48 + 8 * i,
          height: 40,
        }),
      );
  }
  unlabelled = await makeVideo(tmp, { name: "new.mp4", source: "testsrc2", frames: 9 });
  db = join(tmp, "vidmae.db");
  await ok(["embed", join(tmp, "videos"), "--db", db, "--model", modelDir, "--labels-from-dirs", "--json"]);
  await ok(["embed", unlabelled, "--db", db, "--model", modelDir, "--json"]);
  const store = await SqliteStore.open(db);
  [space] = await store.listSpaces();
  await store.close();
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("vidmae train", () => {
  test("from a store: skips unlabelled videos, prints CV metrics, saves a model with its space", async () => {
    const out = join(tmp, "model.json");
    const { stdout, stderr } = await ok([
      ...["train", "--db", db, "--pipeline", "standard-scaler,logistic-regression(C=0.5)"],
      ...["--out", out, "--cv", "3", "--seed", "1"],
    ]);
    assert.equal(
      stderr,
      `vidmae: 9 labelled rows from space ${space.id} ${describeSpace(keyedSpace(space))}; 1 without a label skipped; 16 features, 3 classes\n`,
    );
    assert.match(
      stdout,
      /^3-fold cross-validation \(seed 1\):\n\n +precision +recall +f1-score +support\n\n +bars /,
    );
    assert.match(stdout, /\n3 folds: accuracy \d\.\d{3} ± \d\.\d{3} \(/);
    assert.match(
      stdout,
      /\nsaved .*model\.json: standard-scaler,logistic-regression\(C=0\.5\), 3 classes, 9 rows x 16 features\n$/,
    );
    const file = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(file.format, "vidmae-classifier");
    assert.equal(file.space.key, space.key);
    assert.deepEqual(file.classes, ["bars", "fractal", "pattern"]);
    assert.equal(file.metrics.folds.length, 3);
  });

  test("from arrays, with a default pipeline and no recorded space", async () => {
    const out = join(tmp, "iris.json");
    const { stdout, stderr } = await ok(["train", "--x", iris.x, "--y", iris.y, "--out", out]);
    assert.equal(stderr, "vidmae: 112 labelled rows; 4 features, 3 classes\n");
    assert.match(
      stdout,
      /^saved .*iris\.json: standard-scaler,logistic-regression, 3 classes, 112 rows x 4 features\n$/,
    );
    assert.equal(JSON.parse(readFileSync(out, "utf8")).space, null);
  });

  test("bad input says what is wrong", async () => {
    const out = join(tmp, "bad.json");
    await fails(
      ["train", "--db", db, "--pipeline", "standard-scaler,pca(foo=1),logistic-regression", "--out", out],
      "Unknown parameter foo for step pca; expected one of: n_components, whiten",
    );
    await fails(["train", "--out", out], "Give the training data with either --db or --x and --y");
    await fails(["train", "--x", iris.x, "--out", out], "--x needs --y (one label per row)");
    await fails(
      ["train", "--db", db, "--out", out, "--cv", "1"],
      'Expected integer from 2 to 1000 for --cv but received "1" of type string',
    );
    await fails(
      ["train", "--x", iris.x, "--y", iris.testY, "--out", out],
      `${iris.x} has 112 rows but ${iris.testY} has 38 labels`,
    );
    assert.equal(existsSync(out), false);
  });

  test("--json prints the CV report and the saved model as one JSON object, stderr quiet", async () => {
    const out = join(tmp, "iris-json.json");
    const { stdout, stderr } = await ok([
      ...["train", "--x", iris.x, "--y", iris.y, "--out", out, "--cv", "3", "--json"],
    ]);
    assert.equal(stderr, "");
    const result = JSON.parse(stdout);
    assert.deepEqual(Object.keys(result), ["cv", "model"]);
    assert.equal(result.cv.folds.length, 3);
    assert.deepEqual(result.model, {
      path: out,
      pipeline: "standard-scaler,logistic-regression",
      classes: ["setosa", "versicolor", "virginica"],
      rows: 112,
      features: 4,
    });
    const noCv = JSON.parse(
      (await ok(["train", "--x", iris.x, "--y", iris.y, "--out", out, "--json"])).stdout,
    );
    assert.equal(noCv.cv, null);
  });
});

describe("vidmae evaluate", () => {
  test("--test-x/--test-y --json reproduces scikit-learn's test metrics", async () => {
    const { stdout } = await ok([
      ...["evaluate", "--x", iris.x, "--y", iris.y, "--test-x", iris.testX, "--test-y", iris.testY],
      ...["--pipeline", "standard-scaler,logistic-regression(max_iter=5000)", "--json"],
    ]);
    const report = JSON.parse(stdout);
    const ref = JSON.parse(readFileSync(sklearnPath("iris/metrics.json"), "utf8")).estimators
      .logistic_regression;
    assert.deepEqual(Object.keys(report), [
      "accuracy",
      "balanced_accuracy",
      "macro_f1",
      "top_k",
      "confusion",
      "folds",
    ]);
    assert.equal(report.accuracy, ref.accuracy);
    assert.equal(report.macro_f1, ref.f1_macro);
    assert.equal(report.top_k["2"], ref.top2_accuracy);
    assert.deepEqual(report.confusion, { labels: ref.confusion_matrix_labels, matrix: ref.confusion_matrix });
    assert.equal(report.folds.length, 1);
  });

  test("CV by default, and a held-out split, printed as a report", async () => {
    const cv = await ok([
      "evaluate",
      "--x",
      iris.x,
      "--y",
      iris.y,
      "--pipeline",
      "k-neighbors(n_neighbors=3)",
    ]);
    assert.match(
      cv.stdout,
      /^k-neighbors\(n_neighbors=3\), 5-fold cross-validation \(seed 0\):\n\n +precision/,
    );
    assert.match(cv.stdout, /\n5 folds: accuracy /);
    const held = await ok(["evaluate", "--db", db, "--test-size", "0.34", "--seed", "2", "--json"]);
    const report = JSON.parse(held.stdout);
    assert.equal(report.folds[0].n_test, 4);
    assert.equal(report.folds[0].n_train, 5);
    assert.equal(held.stderr, "", "--json keeps stderr quiet");
  });

  test("one evaluation at a time", async () => {
    await fails(
      ["evaluate", "--x", iris.x, "--y", iris.y, "--cv", "3", "--test-size", "0.2"],
      "Choose one evaluation: --cv, --test-x with --test-y, or --test-size",
    );
    await fails(
      ["evaluate", "--x", iris.x, "--y", iris.y, "--test-size", "1"],
      'Expected number greater than 0 and less than 1 for --test-size but received "1" of type string',
    );
  });
});

describe("vidmae predict", () => {
  let model: string;
  before(async () => {
    model = join(tmp, "predict-model.json");
    await ok(["train", "--db", db, "--out", model]);
  });

  test("store vectors and the same videos embedded on the spot get the same answers", async () => {
    const fromStore = JSON.parse((await ok(["predict", "--classifier", model, "--db", db, "--json"])).stdout);
    assert.deepEqual(Object.keys(fromStore), ["classes", "predictions", "probabilities", "paths"]);
    assert.deepEqual(fromStore.classes, ["bars", "fractal", "pattern"]);
    assert.equal(fromStore.predictions.length, 10, "labelled or not, every stored video");
    for (const p of fromStore.probabilities)
      assert.ok(Math.abs(p.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-9);

    const videos = [unlabelled, labelled[0], labelled[4]];
    const fromFiles = JSON.parse((await ok(["predict", "--classifier", model, ...videos, "--json"])).stdout);
    assert.deepEqual(fromFiles.paths, videos);
    const subset = JSON.parse(
      (await ok(["predict", "--classifier", model, "--db", db, "--videos", ...videos, "--json"])).stdout,
    );
    assert.deepEqual(subset.paths, videos);
    assert.deepEqual(fromFiles.predictions, subset.predictions);
    fromFiles.probabilities.flat().forEach((p: number, i: number) => {
      assert.ok(Math.abs(p - subset.probabilities.flat()[i]) < 1e-5, `probability ${i}`);
    });
  });

  test("text output: one line per input with the label and its probability", async () => {
    const { stdout } = await ok(["predict", "--classifier", model, "--db", db, "--videos", unlabelled]);
    assert.match(stdout, /^.*new\.mp4\t(bars|fractal|pattern)\t[01]\.\d{4}\n$/);
    const svc = join(tmp, "iris-svc.json");
    await ok([
      "train",
      "--x",
      iris.x,
      "--y",
      iris.y,
      "--pipeline",
      "standard-scaler,linear-svc",
      "--out",
      svc,
    ]);
    const rows = (await ok(["predict", "--classifier", svc, "--x", iris.testX])).stdout.trim().split("\n");
    assert.equal(rows.length, 38);
    assert.match(rows[0], /^row 0\t(setosa|versicolor|virginica)$/, "no probabilities for LinearSVC");
  });

  test("vectors of another embedding space are refused, naming both spaces", async () => {
    const other = join(tmp, "other.db");
    await ok([
      "embed",
      join(tmp, "videos", "bars"),
      "--db",
      other,
      "--model",
      modelDir,
      "--crops",
      "3",
      "--json",
    ]);
    const store = await SqliteStore.open(other);
    const [otherSpace] = await store.listSpaces();
    await store.close();
    await fails(
      ["predict", "--classifier", model, "--db", other],
      `${model} was trained on embedding space ${describeSpace(keyedSpace(space))} but these vectors are from ` +
        `space ${describeSpace(keyedSpace(otherSpace))}; embed the videos in the model's space or train a model on this one`,
    );
  });

  test("videos cannot be embedded with other weights than the space's", async () => {
    const copy = join(tmp, "changed-model");
    await writeTinyCheckpoint(copy);
    const changedDb = join(tmp, "changed.db");
    const twoClasses = [join(tmp, "videos", "bars"), join(tmp, "videos", "fractal")];
    await ok(["embed", ...twoClasses, "--db", changedDb, "--model", copy, "--labels-from-dirs", "--json"]);
    const changedModel = join(tmp, "changed.json");
    await ok(["train", "--db", changedDb, "--out", changedModel]);
    const { weightsHash } = JSON.parse(readFileSync(changedModel, "utf8")).space;
    await writeTinyCheckpoint(copy, { seed: 7 });
    const result = await runCliInProcess(["predict", "--classifier", changedModel, unlabelled], env);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `^vidmae: ${copy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(.*\\) has weights sha256:[0-9a-f]{64}, but the embedding space was made with weights ${weightsHash}; use the exact checkpoint the space was embedded with\n$`,
      ),
    );
  });

  test("--model names the checkpoint to embed with: another copy of the space's weights answers the same", async () => {
    const copy = join(tmp, "model-copy");
    await cp(modelDir, copy, { recursive: true });
    const args = ["predict", "--classifier", model, unlabelled, labelled[0], "--json"];
    const own = JSON.parse((await ok(args)).stdout);
    const withCopy = JSON.parse((await ok([...args, "--model", copy])).stdout);
    assert.deepEqual(withCopy.predictions, own.predictions);
    await fails(
      ["predict", "--classifier", model, "--db", db, "--model", copy],
      "--model and --revision go with video files (to embed them)",
    );
  });

  test("the old spelling --model <file.json> still works for the classifier, with a one-line notice", async () => {
    const old = await runCliInProcess(["predict", "--model", model, "--db", db, "--json"], env);
    assert.equal(old.code, 0, old.stderr);
    assert.equal(old.stderr, "vidmae: --model for a classifier file is deprecated; use --classifier\n");
    const current = await ok(["predict", "--classifier", model, "--db", db, "--json"]);
    assert.equal(current.stderr, "");
    assert.equal(old.stdout, current.stdout);
    await fails(
      ["predict", "--db", db],
      "Give the classifier file made by vidmae train with --classifier <model.json>",
    );
    await fails(
      ["predict", "--classifier", model, "--model", model, "--db", db],
      "--model names a checkpoint (folder or hub id); give the classifier file with --classifier only",
    );
  });

  test("inputs are exclusive, and a model file must be one", async () => {
    await fails(
      ["predict", "--classifier", model, "--db", db, unlabelled],
      "Give exactly one input: --db, --x, or video files",
    );
    const irisModel = join(tmp, "iris.json");
    await fails(
      ["predict", "--classifier", irisModel, unlabelled],
      `${irisModel} was trained on arrays with no recorded embedding space, so it cannot embed videos; use --x or --db`,
    );
    const notJson = await runCliInProcess(["predict", "--classifier", iris.y, "--x", iris.x], env);
    assert.equal(notJson.code, 1);
    assert.ok(notJson.stderr.startsWith(`vidmae: ${iris.y} is not JSON: `), notJson.stderr);
  });
});

describe("vidmae demo", () => {
  test("a reduced run prints the table and the random-weights note, and writes results.json", async () => {
    const out = join(tmp, "demo");
    const { stdout, stderr } = await runCliInProcess(
      [
        "demo",
        "--out",
        out,
        "--videos-per-class",
        "3",
        "--classes",
        "bars-slow,bars-fast,life",
        "--seed",
        "1",
      ],
      { ...env, HF_HUB_OFFLINE: "", HF_ENDPOINT: "http://127.0.0.1:9" },
    );
    assert.match(stderr, /^vidmae: model: .*random-videomae \(.*neither cached nor reachable/);
    const lines = stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("method "));
    assert.ok(header > 0, stdout);
    assert.match(lines[header], /^method +features +input dims +dims +accuracy +macro F1$/);
    assert.match(
      lines[header + 1],
      /^standard-scaler,logistic-regression\(max_iter=1000\) +embeddings +128 +128 +[01]\.\d{3} +[01]\.\d{3}$/,
    );
    assert.match(lines[header + 4], /^lda +pixels +512 +2 +[01]\.\d{3} +[01]\.\d{3}$/);
    assert.match(
      stdout,
      /9 videos, 3 classes \(bars-slow, bars-fast, life\); the same stratified split for every method: 6 train, 3 test/,
    );
    assert.match(stdout, /\nNOTE: The VideoMAE used here has random weights/);
    assert.match(
      stdout,
      /\nNOTE: Real accuracy needs a pretrained checkpoint such as MCG-NJU\/videomae-base-finetuned-kinetics/,
    );
    assert.equal(JSON.parse(readFileSync(join(out, "results.json"), "utf8")).rows.length, 4);
  });

  test("bad flags", async () => {
    await fails(
      ["demo", "--videos-per-class", "2"],
      'Expected integer from 3 to 1000 for --videos-per-class but received "2" of type string',
    );
    await fails(
      ["demo", "--classes", "life,noise"],
      'Expected comma list of: test-pattern, mandelbrot-zoom, bars-slow, bars-fast, colour-flicker, life, cellauto for --classes but received "life,noise" of type string',
    );
  });
});
