import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scoresToProba, warnConvergence } from "../../../src/classify/linear/linear.js";
import { LinearSVC } from "../../../src/classify/linear/linear-svc.js";

describe("linear classifier helpers", () => {
  it("scoresToProba: logistic for one score column, softmax for several", () => {
    const binary = scoresToProba({ data: new Float64Array([0, Math.log(3)]), rows: 2, cols: 1 });
    assert.deepEqual([binary.rows, binary.cols], [2, 2]);
    assert.ok(Math.abs(binary.data[3] - 0.75) < 1e-15 && binary.data[0] === 0.5);
    const multi = scoresToProba({ data: new Float64Array([0, Math.log(3), 0]), rows: 1, cols: 3 });
    assert.ok(Math.abs(multi.data[1] - 0.6) < 1e-15);
  });

  it("predict follows the sign of a single score column and the argmax of several", () => {
    const X = [[-2], [-1], [1], [2]];
    const binary = new LinearSVC().fit(X, ["neg", "neg", "pos", "pos"]);
    assert.deepEqual(binary.predict([[-3], [3]]), ["neg", "pos"]);
    const three = new LinearSVC().fit([[-2], [-1.5], [0], [0.2], [2], [2.5]], ["a", "a", "b", "b", "c", "c"]);
    const scores = three.decisionFunction([[-3]]);
    assert.equal(scores.cols, 3);
    assert.equal(three.predict([[-3]])[0], "a");
  });

  it("warnConvergence emits a ConvergenceWarning", async () => {
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    warnConvergence("did not converge");
    const warning = await warned;
    assert.equal(warning.name, "ConvergenceWarning");
    assert.equal(warning.message, "did not converge");
  });

  it("revived models reject state whose coefficients do not match nFeaturesIn_", () => {
    const json = new LinearSVC().fit([[0], [1]], ["a", "b"]).toJSON();
    assert.throws(() => LinearSVC.fromJSON({ ...json, state: { ...json.state, nFeaturesIn_: 2 } }), {
      code: "E_INVALID_ARGUMENT",
    });
  });
});
