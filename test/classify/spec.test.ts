import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { KNeighborsClassifier } from "../../src/classify/neighbors/k-neighbors.js";
import { LinearDiscriminantAnalysis } from "../../src/classify/discriminant/lda.js";
import { LogisticRegression } from "../../src/classify/linear/logistic-regression.js";
import { MLPClassifier } from "../../src/classify/neural-network/mlp.js";
import { PCA } from "../../src/classify/decomposition/pca.js";
import {
  DEFAULT_PIPELINE_SPEC,
  PIPELINE_STEPS,
  parsePipelineSpec,
  pipelineFromSpec,
  sklearnName,
} from "../../src/classify/spec.js";
import { StandardScaler } from "../../src/classify/preprocessing/standard-scaler.js";

/** Asserts `fn` throws a VidmaeError with this code and exact message. */
function throwsExactly(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VidmaeError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe("sklearnName", () => {
  test("maps camelCase options to scikit-learn's names", () => {
    assert.equal(sklearnName("nComponents"), "n_components");
    assert.equal(sklearnName("hiddenLayerSizes"), "hidden_layer_sizes");
    assert.equal(sklearnName("beta1"), "beta_1");
    assert.equal(sklearnName("C"), "C");
    assert.equal(sklearnName("whiten"), "whiten");
  });
});

describe("parsePipelineSpec", () => {
  test("reads steps, numbers, booleans, strings, None and tuples", () => {
    assert.deepEqual(
      parsePipelineSpec(
        "standard-scaler, pca(n_components=0.95, whiten=True), mlp(hidden_layer_sizes=(100,50), beta_1=0.8," +
          " batch_size='auto', random_state=None, alpha=1e-3)",
      ),
      [
        { step: "standard-scaler", params: {} },
        { step: "pca", params: { n_components: 0.95, whiten: true } },
        {
          step: "mlp",
          params: {
            hidden_layer_sizes: [100, 50],
            beta_1: 0.8,
            batch_size: "auto",
            random_state: null,
            alpha: 0.001,
          },
        },
      ],
    );
    assert.deepEqual(parsePipelineSpec("mlp(hidden_layer_sizes=(64,))")[0].params, {
      hidden_layer_sizes: [64],
    });
    assert.deepEqual(parsePipelineSpec("lda(priors=[0.25, 0.75])")[0].params, { priors: [0.25, 0.75] });
    assert.deepEqual(parsePipelineSpec("k-neighbors(metric=cosine,weights=distance)")[0].params, {
      metric: "cosine",
      weights: "distance",
    });
    assert.deepEqual(parsePipelineSpec("nearest-centroid()"), [{ step: "nearest-centroid", params: {} }]);
  });

  test("knows every step of the issue", () => {
    assert.deepEqual(PIPELINE_STEPS, [
      "standard-scaler",
      "normalizer",
      "pca",
      "lda",
      "logistic-regression",
      "linear-svc",
      "k-neighbors",
      "nearest-centroid",
      "mlp",
    ]);
  });

  test("names the step and the parameters it has", () => {
    throwsExactly(
      () => parsePipelineSpec("standard-scaler,pca(foo=1),logistic-regression"),
      "E_INVALID_ARGUMENT",
      "Unknown parameter foo for step pca; expected one of: n_components, whiten",
    );
    throwsExactly(
      () => parsePipelineSpec("logistic-regression(c=2)"),
      "E_INVALID_ARGUMENT",
      "Unknown parameter c for step logistic-regression; expected one of: C, max_iter, tol, fit_intercept",
    );
    throwsExactly(
      () => parsePipelineSpec("svm"),
      "E_INVALID_ARGUMENT",
      'Unknown step svm in pipeline spec "svm"; expected one of: standard-scaler, normalizer, pca, lda, ' +
        "logistic-regression, linear-svc, k-neighbors, nearest-centroid, mlp",
    );
    throwsExactly(
      () => parsePipelineSpec("pca(whiten=true, whiten=false)"),
      "E_INVALID_ARGUMENT",
      "Parameter whiten is given twice for step pca",
    );
  });

  test("points at the character where the syntax breaks", () => {
    throwsExactly(
      () => parsePipelineSpec("pca(n_components="),
      "E_INVALID_ARGUMENT",
      'Cannot parse pipeline spec "pca(n_components=": expected a value at character 18 but found the end',
    );
    throwsExactly(
      () => parsePipelineSpec("pca(n_components 3)"),
      "E_INVALID_ARGUMENT",
      'Cannot parse pipeline spec "pca(n_components 3)": expected "=" at character 18 but found "3"',
    );
    throwsExactly(
      () => parsePipelineSpec("mlp(hidden_layer_sizes=(1 2))"),
      "E_INVALID_ARGUMENT",
      'Cannot parse pipeline spec "mlp(hidden_layer_sizes=(1 2))": expected "," or ")" at character 27 but found "2"',
    );
    throwsExactly(
      () => parsePipelineSpec(""),
      "E_INVALID_ARGUMENT",
      'Cannot parse pipeline spec "": expected a step name at character 1 but found the end',
    );
    throwsExactly(
      () => parsePipelineSpec("pca,"),
      "E_INVALID_ARGUMENT",
      'Cannot parse pipeline spec "pca,": expected a step name at character 5 but found the end',
    );
  });
});

describe("pipelineFromSpec", () => {
  test("builds the steps with the camelCase options set", () => {
    const pipe = pipelineFromSpec(
      "standard-scaler,pca(n_components=64),logistic-regression(C=0.5,max_iter=300)",
    );
    assert.deepEqual(
      pipe.steps.map(([name]) => name),
      ["standard-scaler", "pca", "logistic-regression"],
    );
    assert.ok(pipe.steps[0][1] instanceof StandardScaler);
    assert.ok(pipe.steps[1][1] instanceof PCA);
    assert.ok(pipe.steps[2][1] instanceof LogisticRegression);
    const params = pipe.getParams();
    assert.equal(params.pca__nComponents, 64);
    assert.equal(params["logistic-regression__C"], 0.5);
    assert.equal(params["logistic-regression__maxIter"], 300);
    assert.equal(params["logistic-regression__tol"], 1e-4, "defaults stay sklearn's");
  });

  test("maps tuples and strings onto the estimators", () => {
    const mlp = pipelineFromSpec("mlp(hidden_layer_sizes=(100,50),beta_2=0.99)").steps[0][1] as MLPClassifier;
    assert.deepEqual(mlp.getParams().hiddenLayerSizes, [100, 50]);
    assert.equal(mlp.getParams().beta2, 0.99);
    const knn = pipelineFromSpec("k-neighbors(n_neighbors=3,metric=cosine)")
      .steps[0][1] as KNeighborsClassifier;
    assert.equal(knn.getParams().metric, "cosine");
    assert.equal(knn.getParams().nNeighbors, 3);
  });

  test("the default is a scaler and logistic regression; LDA may reduce before a classifier", () => {
    assert.equal(DEFAULT_PIPELINE_SPEC, "standard-scaler,logistic-regression");
    assert.deepEqual(
      pipelineFromSpec().steps.map(([name]) => name),
      ["standard-scaler", "logistic-regression"],
    );
    const pipe = pipelineFromSpec("lda(n_components=2),lda");
    assert.deepEqual(
      pipe.steps.map(([name]) => name),
      ["lda", "lda-2"],
      "a repeated step gets a numbered name",
    );
    assert.equal(pipe.getParams().lda__nComponents, 2);
  });

  test("leaves value checks to the estimators, which name the parameter at fit", () => {
    const pipe = pipelineFromSpec("pca(n_components=-3),logistic-regression");
    throwsExactly(
      () =>
        pipe.fit(
          [
            [0, 1],
            [1, 0],
            [1, 1],
          ],
          ["a", "b", "a"],
        ),
      "E_INVALID_ARGUMENT",
      "Expected positive integer, float in (0, 1) or null for nComponents but received -3 of type number",
    );
  });

  test("refuses a classifier before the last step and a last step that cannot predict", () => {
    throwsExactly(
      () => pipelineFromSpec("logistic-regression,pca"),
      "E_INVALID_ARGUMENT",
      'Step logistic-regression of pipeline spec "logistic-regression,pca" is not a transformer; only the last step may be a classifier',
    );
    throwsExactly(
      () => pipelineFromSpec("standard-scaler,pca"),
      "E_INVALID_ARGUMENT",
      'The last step of pipeline spec "standard-scaler,pca" must be a classifier (lda, logistic-regression, ' +
        "linear-svc, k-neighbors, nearest-centroid, mlp); pca is not",
    );
  });

  test("fits and predicts like the hand-built pipeline", () => {
    const X = [
      [0, 0.1],
      [0.2, 0],
      [1, 1.1],
      [1.2, 0.9],
      [2, 2.1],
      [2.1, 1.9],
    ];
    const y = ["a", "a", "b", "b", "c", "c"];
    const pipe = pipelineFromSpec("standard-scaler,lda").fit(X, y);
    const lda = new LinearDiscriminantAnalysis().fit(new StandardScaler().fit(X).transform(X), y);
    assert.deepEqual(pipe.predict(X), lda.predict(new StandardScaler().fit(X).transform(X)));
    assert.deepEqual(pipe.predict(X), y);
  });
});
