import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { KNeighborsClassifier } from "../../../src/classify/neighbors/k-neighbors.js";
import { DATASETS, dataset, lines, matrix, maxAbsDiff, npy, sklearnPath } from "../helpers.js";
import { classifierContract } from "../estimator-contract.js";

describe("KNeighborsClassifier against scikit-learn 1.2.1", () => {
  for (const name of DATASETS) {
    const metrics = JSON.parse(readFileSync(sklearnPath(`${name}/metrics.json`), "utf8"));
    for (const metric of ["euclidean", "cosine"] as const) {
      it(`${name}/${metric}: predictions, probabilities, neighbours (tie rows aside) and distances`, () => {
        const { Xtrain, Xtest, ytrain } = dataset(name);
        const folder = `${name}/knn_${metric}`;
        const info = metrics.estimators[`knn_${metric}`];
        const atKth = new Set<number>(info.rows_with_tie_at_kth_neighbor);
        const ambiguous = new Set<number>([...atKth, ...info.rows_with_tied_distances_within_k]);
        const knn = new KNeighborsClassifier({ metric }).fit(Xtrain, ytrain);
        const predictions = knn.predict(Xtest);
        const expected = lines(`${folder}/test_predictions.txt`);
        predictions.forEach((p, i) => {
          if (!atKth.has(i)) assert.equal(p, expected[i], `row ${i}`);
        });
        const proba = knn.predictProba(Xtest);
        const refProba = matrix(`${folder}/test_proba.npy`);
        const k = knn.classes_!.length;
        for (let i = 0; i < Xtest.rows; i++) {
          if (atKth.has(i)) continue;
          assert.deepEqual(
            proba.data.subarray(i * k, (i + 1) * k),
            refProba.data.subarray(i * k, (i + 1) * k),
          );
        }
        const { distances, indices } = knn.kneighbors(Xtest);
        assert.ok(maxAbsDiff(distances.data, matrix(`${folder}/test_distances.npy`).data) < 1e-6);
        const refIndices = npy(`${folder}/test_neighbors.npy`).data as BigInt64Array;
        for (let i = 0; i < Xtest.rows; i++) {
          if (ambiguous.has(i)) continue;
          for (let j = 0; j < 5; j++)
            assert.equal(indices.data[i * 5 + j], Number(refIndices[i * 5 + j]), `row ${i}`);
        }
      });
    }
  }
});

describe("KNeighborsClassifier with inverse-distance weights against scikit-learn 1.2.1", () => {
  it("digits: identical predictions to KNeighborsClassifier(weights='distance')", () => {
    const { Xtrain, Xtest, ytrain } = dataset("digits");
    const expected =
      "204941246791809829770267215724343612488628187659103680450255787312938537663737096716682743363934966440129983681549207907198285748005053764762079314688163234049602720144104410728257632386743565134116378558853123507350816544994474131510965904501750014581968228533537735024291671272975462233609982715617253808120621771986024277715343892131403810084600420309981969739666305265861696784073119850501454846576549521558302598542538085409177533736895293199119";
    const knn = new KNeighborsClassifier({ weights: "distance" }).fit(Xtrain, ytrain);
    assert.equal(knn.predict(Xtest).join(""), expected);
  });
  it("iris: cosine, 7 neighbours, distance weights: probabilities within 1e-12", () => {
    const { Xtrain, Xtest, ytrain } = dataset("iris");
    const knn = new KNeighborsClassifier({ nNeighbors: 7, weights: "distance", metric: "cosine" }).fit(
      Xtrain,
      ytrain,
    );
    const proba = knn.predictProba(Xtest).data;
    const rows = [0, 5, 10].flatMap((i) => Array.from(proba.subarray(i * 3, i * 3 + 3)));
    assert.ok(
      maxAbsDiff(rows, [1.0, 0.0, 0.0, 0.0, 0.8642651492777753, 0.1357348507222246, 0.0, 0.0, 1.0]) < 1e-12,
    );
  });
});

describe("KNeighborsClassifier", () => {
  const X = [[0], [1], [2], [10], [11], [12]];
  const y = ["a", "a", "a", "b", "b", "b"];

  it("ranks equal distances by training index and breaks vote ties toward the first class", () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 2 }).fit([[1], [-1], [3], [-3]], ["b", "a", "b", "a"]);
    const { distances, indices } = knn.kneighbors([[0]]);
    assert.deepEqual(Array.from(indices.data), [0, 1]);
    assert.deepEqual(Array.from(distances.data), [1, 1]);
    assert.deepEqual(knn.predict([[0]]), ["a"]); // one vote each: first class wins
    assert.deepEqual(Array.from(knn.predictProba([[0]]).data), [0.5, 0.5]);
  });

  it("weights by inverse distance, and an exact match takes all the weight", () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 3, weights: "distance" }).fit(X, y);
    // Neighbours of 9: 10 (d 1, b), 11 (d 2, b), 12 (d 3, b) → all b.
    assert.deepEqual(knn.predict([[9]]), ["b"]);
    // Neighbours of 4: 2 (d 2, a), 1 (d 3, a), 0 (d 4, a).
    assert.deepEqual(Array.from(knn.predictProba([[4]]).data), [1, 0]);
    const mixed = new KNeighborsClassifier({ nNeighbors: 2, weights: "distance" }).fit(
      [[0], [3]],
      ["a", "b"],
    );
    const p = mixed.predictProba([[1]]).data; // weights 1/1 and 1/2
    assert.ok(Math.abs(p[0] - 2 / 3) < 1e-15 && Math.abs(p[1] - 1 / 3) < 1e-15);
    assert.deepEqual(Array.from(mixed.predictProba([[3]]).data), [0, 1]);
  });

  it("cosine distance ignores scale and treats a zero row as distance 1", () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 1, metric: "cosine" }).fit(
      [
        [1, 0],
        [0, 1],
      ],
      ["x", "y"],
    );
    assert.deepEqual(knn.predict([[100, 1]]), ["x"]);
    assert.equal(knn.kneighbors([[0, 0]]).distances.data[0], 1);
  });

  it("handles query and training counts that are not multiples of the blocking", () => {
    const rows = Array.from({ length: 263 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i % 7]);
    const labels = rows.map((_, i) => String(i % 3));
    const knn = new KNeighborsClassifier({ nNeighbors: 4 }).fit(rows, labels);
    const queries = rows.slice(0, 7);
    const { indices, distances } = knn.kneighbors(queries);
    for (let q = 0; q < 7; q++) {
      const exact = rows
        .map((r, i) => ({
          i,
          d: Math.hypot(r[0] - queries[q][0], r[1] - queries[q][1], r[2] - queries[q][2]),
        }))
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .slice(0, 4);
      assert.deepEqual(
        Array.from(indices.data.subarray(q * 4, q * 4 + 4)),
        exact.map((e) => e.i),
      );
      exact.forEach((e, j) => assert.ok(Math.abs(distances.data[q * 4 + j] - e.d) < 1e-7));
    }
  });

  it("rejects asking for more neighbours than training rows", () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 7 }).fit(X, y);
    assert.throws(() => knn.predict([[0]]), {
      code: "E_DATA",
      message: "Expected nNeighbors <= nSamplesFit, but nNeighbors = 7, nSamplesFit = 6, nSamples = 1",
    });
  });

  it("does not alias a float64 training matrix", () => {
    const data = new Float64Array([0, 1, 5, 6]);
    const knn = new KNeighborsClassifier({ nNeighbors: 1 }).fit({ data, rows: 4, cols: 1 }, [
      "a",
      "a",
      "b",
      "b",
    ]);
    data.fill(100);
    assert.deepEqual(knn.predict([[0]]), ["a"]);
  });

  classifierContract({
    make: (options) => new KNeighborsClassifier({ nNeighbors: 3, ...options }),
    X,
    y,
    Xtest: [[0.5], [11.5]],
    badParams: [
      [{ nNeighbors: 0 }, "Expected positive integer for nNeighbors but received 0 of type number"],
      [
        { weights: "gaussian" },
        'Expected one of: uniform, distance for weights but received "gaussian" of type string',
      ],
      [
        { metric: "manhattan" },
        'Expected one of: euclidean, cosine for metric but received "manhattan" of type string',
      ],
    ],
  });
});
