import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it, mock } from "node:test";
import { toDense } from "../../../src/classify/validation.js";
import { takeRows } from "../../../src/classify/model-selection/cross-validation.js";
import { accuracyScore } from "../../../src/classify/metrics/classification.js";
import { MLPClassifier } from "../../../src/classify/neural-network/mlp.js";
import { StandardScaler } from "../../../src/classify/preprocessing/standard-scaler.js";
import { DATASETS, dataset, maxAbsDiff, sklearnPath } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";

function standardized(name: (typeof DATASETS)[number]) {
  const { Xtrain, Xtest, ytrain, ytest } = dataset(name);
  const scaler = new StandardScaler().fit(Xtrain);
  return { X: scaler.transform(Xtrain), Xtest: scaler.transform(Xtest), y: ytrain, ytest };
}

describe("MLPClassifier against scikit-learn 1.2.1 (hidden (100,), maxIter 500, randomState 0)", () => {
  for (const name of DATASETS) {
    it(`${name}: test accuracy within 3 points, epochs close to sklearn's`, () => {
      const { mlp: reference } = JSON.parse(
        readFileSync(sklearnPath(`${name}/metrics.json`), "utf8"),
      ).estimators;
      const { X, Xtest, y, ytest } = standardized(name);
      const mlp = new MLPClassifier({ maxIter: 500, randomState: 0 }).fit(X, y);
      assert.ok(Math.abs(accuracyScore(ytest, mlp.predict(Xtest)) - reference.test_accuracy) <= 0.03);
      // Same initial weights and batch order as sklearn; only summation order differs, so the stopping epoch
      // lands on or near sklearn's (equal on x86-64 with Node 20 at the time of writing).
      assert.ok(Math.abs(mlp.nIter_! - reference.n_iter) <= 15, `nIter ${mlp.nIter_} vs ${reference.n_iter}`);
      assert.equal(mlp.lossCurve_!.length, mlp.nIter_);
      assert.equal(mlp.t_, mlp.nIter_! * X.rows);
    });
  }
});

describe("MLPClassifier", () => {
  const { X, Xtest, y } = standardized("iris");
  // Short training runs below stop at maxIter on purpose; keep their ConvergenceWarnings out of the output.
  before(() => mock.method(process, "emitWarning", () => {}));
  after(() => mock.restoreAll());

  it("draws sklearn's Glorot-uniform initial weights from numpy's RandomState stream", () => {
    // A vanishing learning rate leaves the weights at their initial values (Adam moves each by ≤ lr per step).
    const mlp = new MLPClassifier({
      hiddenLayerSizes: [5],
      randomState: 3,
      learningRateInit: 1e-15,
      maxIter: 1,
    });
    mlp.fit(X, y);
    const [W1, W2] = mlp.coefs_!;
    assert.deepEqual([W1.rows, W1.cols, W2.rows, W2.cols], [4, 5, 5, 3]);
    // np.random.RandomState(3): uniform(-b, b, (4, 5)), uniform(-b, b, 5), then layer 2.
    const row0 = [
      0.08295262754088129, 0.33990397099046676, -0.34145113153154233, 0.017681405247054305,
      0.6416796894216465,
    ];
    const col0 = [0.08295262754088129, 0.6471439043188789, -0.7677089328608747, 0.1483783595078214];
    assert.ok(maxAbsDiff(W1.data.subarray(0, 5), row0) < 1e-12);
    assert.ok(
      maxAbsDiff(
        [0, 1, 2, 3].map((i) => W1.data[i * 5]),
        col0,
      ) < 1e-12,
    );
    assert.ok(
      maxAbsDiff(mlp.intercepts_![0].subarray(0, 2), [-0.35350206118065464, 0.31539289990011987]) < 1e-12,
    );
    assert.ok(
      maxAbsDiff(
        W2.data.subarray(12, 15),
        [0.10018313920531596, -0.23977686393345043, -0.47621956692959394],
      ) < 1e-12,
    );
  });

  it("is deterministic for a fixed randomState and changes with it", () => {
    const fit = (randomState: number) => new MLPClassifier({ maxIter: 30, randomState }).fit(X, y);
    const a = fit(7);
    const b = fit(7);
    assert.deepEqual(a.lossCurve_, b.lossCurve_);
    assert.deepEqual(a.coefs_![0].data, b.coefs_![0].data);
    assert.notDeepEqual(fit(8).lossCurve_, a.lossCurve_);
  });

  it("warns when maxIter stops training, as sklearn's ConvergenceWarning", (t) => {
    const emit = t.mock.method(process, "emitWarning", () => {});
    new MLPClassifier({ maxIter: 2 }).fit(X, y);
    assert.equal(emit.mock.callCount(), 1);
    const [message, options] = emit.mock.calls[0].arguments as unknown as [string, { type: string }];
    assert.equal(
      message,
      "Stochastic Optimizer: Maximum iterations (2) reached and the optimization hasn't converged yet.",
    );
    assert.equal(options.type, "ConvergenceWarning");
  });

  it("early stopping matches sklearn 1.2.1: same hold-out, validation scores and stopping epoch", () => {
    // MLPClassifier(early_stopping=True, max_iter=300, random_state=0) on the standardized iris training set.
    const mlp = new MLPClassifier({ earlyStopping: true, maxIter: 300, randomState: 0 }).fit(X, y);
    assert.deepEqual(
      mlp.validationScores_!.slice(0, 6),
      [
        0.5833333333333334, 0.6666666666666666, 0.75, 0.8333333333333334, 0.9166666666666666,
        0.9166666666666666,
      ],
    );
    assert.equal(mlp.nIter_, 16);
  });

  it("two classes: one logistic unit, stratified early-stopping split, as sklearn 1.2.1", () => {
    const rows = y.flatMap((label, i) => (label === "setosa" ? [] : [i]));
    const raw = takeRows(toDense(dataset("iris").Xtrain), rows);
    const Xb = new StandardScaler().fit(raw).transform(raw);
    const yb = rows.map((i) => y[i]);
    const first3 = takeRows(Xb, [0, 1, 2]);
    // MLPClassifier(hidden_layer_sizes=(20,), max_iter=300, random_state=5[, early_stopping=True]).
    const stopped = new MLPClassifier({
      hiddenLayerSizes: [20],
      earlyStopping: true,
      maxIter: 300,
      randomState: 5,
    });
    stopped.fit(Xb, yb);
    assert.equal(stopped.nOutputs_, 1);
    assert.equal(stopped.outActivation_, "logistic");
    assert.equal(stopped.nIter_, 12);
    assert.ok(
      maxAbsDiff(
        stopped.predictProba(first3).data,
        [
          0.3424278630694201, 0.6575721369305799, 0.4900611895036078, 0.5099388104963922, 0.4268777666767125,
          0.5731222333232875,
        ],
      ) < 1e-9,
    );
    const full = new MLPClassifier({ hiddenLayerSizes: [20], maxIter: 300, randomState: 5 }).fit(Xb, yb);
    assert.ok(Math.abs(full.loss_! - 0.17002709555216475) < 1e-9);
    assert.ok(
      maxAbsDiff(
        full.predictProba(first3).data,
        [
          0.979101562732661, 0.02089843726733896, 0.9900585075134635, 0.009941492486536549,
          0.5425591203761653, 0.45744087962383473,
        ],
      ) < 1e-9,
    );
  });

  it("early stopping keeps the best weights and reports validation scores", () => {
    const mlp = new MLPClassifier({ earlyStopping: true, maxIter: 300, randomState: 0 }).fit(X, y);
    assert.equal(mlp.bestLoss_, null);
    assert.equal(mlp.validationScores_!.length, mlp.nIter_);
    assert.equal(mlp.bestValidationScore_, Math.max(...mlp.validationScores_!));
    assert.ok(mlp.nIter_! < 300);
    assert.throws(() => new MLPClassifier({ earlyStopping: true }).fit([[0], [1], [2]], ["a", "a", "b"]), {
      code: "E_DATA",
      message:
        "The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.",
    });
  });

  it("uses one logistic output for two classes and returns two probability columns", () => {
    const Xb = [[-2], [-1.5], [-1], [1], [1.5], [2]];
    const yb = ["neg", "neg", "neg", "pos", "pos", "pos"];
    const mlp = new MLPClassifier({
      hiddenLayerSizes: [4],
      learningRateInit: 0.05,
      maxIter: 300,
      randomState: 1,
    }).fit(Xb, yb);
    assert.equal(mlp.nOutputs_, 1);
    assert.equal(mlp.outActivation_, "logistic");
    assert.deepEqual(mlp.predict([[-3], [3]]), ["neg", "pos"]);
    const proba = mlp.predictProba([[-3], [3]]);
    assert.equal(proba.cols, 2);
    assert.ok(Math.abs(proba.data[0] + proba.data[1] - 1) < 1e-15);
  });

  it("supports other activations, several hidden layers and an explicit batch size", () => {
    for (const activation of ["tanh", "logistic", "identity"] as const) {
      const mlp = new MLPClassifier({
        activation,
        hiddenLayerSizes: [8, 6],
        batchSize: 16,
        maxIter: 200,
        randomState: 0,
      });
      mlp.fit(X, y);
      assert.equal(mlp.nLayers_, 4);
      assert.ok(accuracyScore(y, mlp.predict(X)) > 0.8, activation);
    }
  });

  classifierContract({
    make: (options) =>
      new MLPClassifier({ hiddenLayerSizes: [10], maxIter: 300, randomState: 0, ...options }),
    X,
    y,
    Xtest,
    badParams: [
      [
        { hiddenLayerSizes: [0] },
        "Expected array of positive integers for hiddenLayerSizes but received an array of length 1",
      ],
      [{ solver: "lbfgs" }, 'Expected one of: adam for solver but received "lbfgs" of type string'],
      [{ batchSize: 0 }, 'Expected "auto" or positive integer for batchSize but received 0 of type number'],
      [
        { validationFraction: 1 },
        "Expected float in (0, 1) for validationFraction but received 1 of type number",
      ],
      [{ beta2: 1 }, "Expected float in [0, 1) for beta2 but received 1 of type number"],
      [{ learningRateInit: 0 }, "Expected positive float for learningRateInit but received 0 of type number"],
    ],
  });
});
