import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PCA } from "../../../src/classify/decomposition/pca.js";
import { DATASETS, alignColumns, dataset, matrix, maxAbsDiff } from "../helpers.js";
import { transformerContract } from "../transformer-contract.js";

describe("PCA against scikit-learn 1.2.1 (svd_solver='full')", () => {
  for (const name of DATASETS) {
    for (const whiten of [false, true]) {
      const folder = whiten ? "pca_whiten" : "pca";
      it(`${name}, whiten=${whiten}: components, ratios and transform within 1e-6, svd_flip signs`, () => {
        const { Xtrain, Xtest } = dataset(name);
        const pca = new PCA({ nComponents: Math.min(10, Xtrain.cols), whiten }).fit(Xtrain);
        const components = matrix(`${name}/${folder}/components.npy`);
        // sklearn's svd_flip convention is reproduced, so no sign alignment is needed.
        assert.ok(maxAbsDiff(pca.components_!.data, components.data) < 1e-6);
        assert.ok(maxAbsDiff(pca.mean_!, matrix(`${name}/${folder}/mean.npy`).data) < 1e-6);
        const ratio = matrix(`${name}/${folder}/explained_variance_ratio.npy`).data;
        assert.ok(maxAbsDiff(pca.explainedVarianceRatio_!, ratio) < 1e-6);
        const expected = matrix(`${name}/${folder}/test_transformed.npy`);
        const { aligned, signs } = alignColumns(pca.transform(Xtest), expected);
        assert.ok(signs.every((s) => s === 1));
        assert.ok(maxAbsDiff(aligned, expected.data) < 1e-6);
      });
    }
  }
});

describe("PCA", () => {
  // Points on a tilted line plus small noise in a second direction.
  const X = [
    [2, 1, 0],
    [4, 2, 0.1],
    [6, 3, -0.1],
    [8, 4, 0],
    [10, 5, 0.05],
  ];

  it("learns variances, singular values and noise variance consistently (ddof 1)", () => {
    const pca = new PCA({ nComponents: 1 }).fit(X);
    const [ev] = pca.explainedVariance_!;
    assert.ok(Math.abs(pca.singularValues_![0] ** 2 / (X.length - 1) - ev) < 1e-9);
    const full = new PCA().fit(X);
    assert.equal(full.nComponents_, 3);
    const rest = (full.explainedVariance_![1] + full.explainedVariance_![2]) / 2;
    assert.ok(Math.abs(pca.noiseVariance_! - rest) < 1e-12);
    assert.equal(full.noiseVariance_, 0);
    assert.ok(Math.abs(full.explainedVarianceRatio_!.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it("keeps the fewest components whose variance exceeds a fraction", () => {
    const { Xtrain } = dataset("digits");
    const full = new PCA().fit(Xtrain);
    const pca = new PCA({ nComponents: 0.5 }).fit(Xtrain);
    const k = pca.nComponents_!;
    const cumulative = (m: number) => full.explainedVarianceRatio_!.subarray(0, m).reduce((a, b) => a + b, 0);
    assert.ok(cumulative(k) > 0.5 && cumulative(k - 1) <= 0.5);
  });

  it("whitened training projections have unit variance", () => {
    const pca = new PCA({ nComponents: 2, whiten: true }).fit(X);
    const Z = pca.transform(X);
    for (let c = 0; c < 2; c++) {
      let sq = 0;
      for (let i = 0; i < Z.rows; i++) sq += Z.data[i * 2 + c] ** 2;
      assert.ok(Math.abs(sq / (Z.rows - 1) - 1) < 1e-9);
    }
  });

  it("rejects more components than min(nSamples, nFeatures) and a single sample", () => {
    assert.throws(() => new PCA({ nComponents: 4 }).fit(X), {
      code: "E_INVALID_ARGUMENT",
      message:
        "Expected integer between 1 and min(nSamples, nFeatures)=3 for nComponents but received 4 of type number",
    });
    assert.throws(() => new PCA().fit([[1, 2]]), {
      code: "E_DATA",
      message: "Found array with 1 sample(s) (shape=(1, 2)) while a minimum of 2 is required by PCA.",
    });
  });

  it("has sklearn's defaults", () => {
    assert.deepEqual(new PCA().getParams(), { nComponents: null, whiten: false });
  });

  transformerContract({
    make: (options) => new PCA(options),
    X: dataset("iris").Xtrain,
    minSamples: 2,
    badParams: [
      [
        { nComponents: 1.5 },
        "Expected positive integer, float in (0, 1) or null for nComponents but received 1.5 of type number",
      ],
      [{ whiten: 1 }, "Expected boolean for whiten but received 1 of type number"],
    ],
  });
});
