import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { logLoss } from "../../../src/classify/linear/logistic-loss.js";
import { minimizeLbfgs } from "../../../src/numeric/lbfgs.js";
import { RandomState } from "../../../src/numeric/random-state.js";

function random(length: number, seed: number, scale = 1): Float64Array {
  const rng = new RandomState(seed);
  return Float64Array.from({ length }, () => scale * (rng.random() - 0.5));
}

/** Largest |a − b| relative to the largest |b|. */
function relativeError(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

describe("logLoss: onnxruntime's graph against the JS kernels", () => {
  const n = 301;
  const d = 37;
  const X = { data: random(n * d, 1), rows: n, cols: d };
  const labels = (classes: number) =>
    Int32Array.from({ length: n }, (_, i) => (i * 7 + (X.data[i * d] > 0 ? 1 : 0)) % classes);

  for (const [classes, fitIntercept] of [
    [2, true],
    [4, true],
    [4, false],
  ] as const)
    it(`same loss and gradient up to summation order (${classes} classes, intercept ${fitIntercept})`, () => {
      const k = classes === 2 ? 1 : classes;
      const yIndex = labels(classes);
      // Large weights too: the softmax must stay finite where exp(score) would overflow.
      for (const scale of [0.1, 400]) {
        const w = random(k * d + k, 2, scale);
        const gJs = new Float64Array(w.length);
        const gNative = new Float64Array(w.length);
        const fJs = logLoss(X, yIndex, k, 0.5, fitIntercept, false)(w, gJs);
        const fNative = logLoss(X, yIndex, k, 0.5, fitIntercept, true)(w, gNative);
        assert.ok(Number.isFinite(fNative));
        assert.ok(Math.abs(fNative - fJs) <= 1e-12 * Math.abs(fJs));
        assert.ok(relativeError(gNative, gJs) < 1e-12);
      }
    });

  for (const classes of [2, 4])
    it(`L-BFGS takes the same path with either (${classes} classes)`, () => {
      const k = classes === 2 ? 1 : classes;
      const yIndex = labels(classes);
      const x0 = new Float64Array(k * d + k);
      const fit = (native: boolean) =>
        minimizeLbfgs(logLoss(X, yIndex, k, 1, true, native), x0, { maxIter: 100, pgtol: 1e-4 });
      const js = fit(false);
      const native = fit(true);
      assert.ok(js.nIter > 5);
      assert.equal(native.nIter, js.nIter);
      assert.equal(native.status, js.status);
      assert.ok(relativeError(native.x, js.x) < 1e-8);
      assert.ok(Math.abs(native.f - js.f) <= 1e-12 * Math.abs(js.f));
    });
});
