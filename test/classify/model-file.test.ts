import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { crossValidationFolds, evaluateClassifier } from "../../src/classify/evaluate.js";
import { MODEL_FILE_FORMAT, SavedModel } from "../../src/classify/model-file.js";
import { pipelineFromSpec } from "../../src/classify/spec.js";
import { VidmaeError } from "../../src/errors.js";
import { describeSpace } from "../../src/space/compare.js";
import { keyedSpace, spaceKey } from "../../src/space/spec.js";
import { VERSION } from "../../src/version.js";
import { SPEC, tempDir } from "../store/helpers.js";
import { dataset } from "./helpers.js";

const iris = dataset("iris");
const dir = tempDir();
const IRIS_SPACE = { ...SPEC, dim: 4 };

async function rejectsExactly(fn: () => unknown, code: string, message: string): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof VidmaeError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.message, message);
      return true;
    },
  );
}

describe("SavedModel", () => {
  const spec = "standard-scaler,pca(n_components=3),logistic-regression(C=0.5)";
  const data = { X: iris.Xtrain, y: iris.ytrain, space: IRIS_SPACE };

  test("records the space, classes, sizes, metrics and version", () => {
    const metrics = evaluateClassifier(
      pipelineFromSpec(spec),
      iris.Xtrain,
      iris.ytrain,
      crossValidationFolds(iris.ytrain, 3, 0),
    ).report;
    const model = SavedModel.fit(data, spec, { metrics });
    const { info } = model;
    assert.equal(info.format, MODEL_FILE_FORMAT);
    assert.equal(info.version, VERSION);
    assert.equal(info.pipeline, spec);
    assert.deepEqual(info.classes, ["setosa", "versicolor", "virginica"]);
    assert.equal(info.nFeatures, 4);
    assert.equal(info.nSamples, iris.ytrain.length);
    assert.equal(info.space?.key, spaceKey(IRIS_SPACE));
    assert.equal(info.metrics, metrics);
    assert.equal(model.toJSON().estimator.estimator, "Pipeline");
  });

  test("saves and loads to the same predictions and probabilities", async () => {
    const model = SavedModel.fit(data, spec);
    const path = join(dir, "model.json");
    await model.save(path);
    const loaded = await SavedModel.load(path);
    assert.deepEqual(loaded.info, model.info);
    const a = model.predict(iris.Xtest);
    const b = loaded.predict(iris.Xtest);
    assert.deepEqual(b, a);
    assert.equal(b.predictions.length, iris.ytest.length);
    assert.deepEqual(b.classes, ["setosa", "versicolor", "virginica"]);
    assert.equal(b.probabilities?.[0].length, 3);
    assert.ok(Math.abs(b.probabilities![0].reduce((s, p) => s + p, 0) - 1) < 1e-12);
  });

  test("a model without probabilities predicts labels only", () => {
    const model = SavedModel.fit(data, "standard-scaler,linear-svc");
    const { predictions, probabilities } = model.predict(iris.Xtest);
    assert.equal(predictions.length, iris.ytest.length);
    assert.equal(probabilities, null);
  });

  test("refuses vectors from another embedding space, naming both", async () => {
    const model = SavedModel.fit(data, spec);
    model.checkSpace(IRIS_SPACE);
    model.checkSpace({ ...IRIS_SPACE, model: "a/copy", revision: null }, "same weights elsewhere");
    const other = { ...IRIS_SPACE, pooling: "head" as const };
    await rejectsExactly(
      () => model.checkSpace(other, "model.json"),
      "E_DATA",
      `model.json was trained on embedding space ${describeSpace(keyedSpace(IRIS_SPACE))} but these vectors ` +
        `are from space ${describeSpace(keyedSpace(other))}; embed the videos in the model's space or train a model on this one`,
    );
    assert.equal(
      describeSpace(keyedSpace(IRIS_SPACE)),
      `${spaceKey(IRIS_SPACE).slice(0, 12)} (MCG-NJU/videomae-base, mean pooling, 2 clips T=8 every 2 frames, 1 crop, fp32, dim 4)`,
    );
    // Trained on arrays: no space to check against.
    SavedModel.fit({ ...data, space: null }, spec).checkSpace(other);
  });

  test("the estimators still check the feature count", async () => {
    const model = SavedModel.fit(data, spec);
    await rejectsExactly(
      () => model.predict([[1, 2, 3]]),
      "E_DATA",
      "X has 3 features, but StandardScaler is expecting 4 features as input.",
    );
  });
});

describe("SavedModel.load errors", () => {
  const good = SavedModel.fit({ X: iris.Xtrain, y: iris.ytrain, space: IRIS_SPACE }, "logistic-regression");
  const write = (name: string, json: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof json === "string" ? json : JSON.stringify(json));
    return path;
  };

  test("an unreadable file, and a file that is not JSON", async () => {
    await assert.rejects(() => SavedModel.load(join(dir, "missing.json")), { code: "E_IO" });
    const path = write("text.json", "not json");
    await assert.rejects(
      () => SavedModel.load(path),
      (e: unknown) => {
        assert.ok(e instanceof VidmaeError);
        assert.equal(e.code, "E_DATA");
        assert.ok(e.message.startsWith(`${path} is not JSON: `), e.message);
        return true;
      },
    );
  });

  test("a JSON that is not a model file, or has a bad field", async () => {
    const other = write("other.json", { library: "vidmae", estimator: "PCA" });
    await rejectsExactly(
      () => SavedModel.load(other),
      "E_DATA",
      `${other} is not a vidmae model file (its "format" is not "vidmae-classifier"); make one with vidmae train`,
    );
    const json = good.toJSON();
    const badDim = write("dim.json", { ...json, space: { ...json.space, dim: 0 } });
    await rejectsExactly(
      () => SavedModel.load(badDim),
      "E_DATA",
      `Expected positive integer for ${badDim}.space.dim but received 0 of type number`,
    );
  });

  test("an estimator that does not match the record", async () => {
    const json = good.toJSON();
    const path = write("classes.json", { ...json, classes: ["a", "b", "c"] });
    await rejectsExactly(
      () => SavedModel.load(path),
      "E_DATA",
      `${path}: the estimator is not a fitted classifier with the recorded 4 features and classes`,
    );
    const unknown = write("unknown.json", {
      ...json,
      estimator: { ...json.estimator, estimator: "RandomForest" },
    });
    await assert.rejects(
      () => SavedModel.load(unknown),
      (e: unknown) => {
        assert.ok(e instanceof VidmaeError);
        assert.equal(e.code, "E_DATA");
        assert.match(
          e.message,
          /: Expected one of: .*LogisticRegression.* for json\.estimator but received "RandomForest"/,
        );
        return true;
      },
    );
  });

  test("the file is plain JSON a person can read", () => {
    const path = join(dir, "plain.json");
    return good.save(path).then(() => {
      const text = readFileSync(path, "utf8");
      assert.ok(text.startsWith('{\n "format": "vidmae-classifier"'));
      assert.equal(JSON.parse(text).estimator.library, "vidmae");
    });
  });
});
