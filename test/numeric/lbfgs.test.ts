import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { minimizeLbfgs, type Objective } from "../../src/numeric/lbfgs.js";

/** The Rosenbrock function in n dimensions, minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

describe("minimizeLbfgs", () => {
  it("minimises the Rosenbrock function to the gradient tolerance", () => {
    const x0 = Float64Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = minimizeLbfgs(rosenbrock, x0, { maxIter: 1000, pgtol: 1e-8, ftol: 0 });
    assert.equal(r.status, "gradient");
    assert.ok(r.converged);
    for (const v of r.x) assert.ok(Math.abs(v - 1) < 1e-6);
    assert.deepEqual(Array.from(x0.subarray(0, 2)), [-1.2, 1]); // x0 untouched
  });

  it("stops on the relative reduction of f (scipy's ftol) before a tiny pgtol", () => {
    const x0 = Float64Array.of(-1.2, 1);
    const r = minimizeLbfgs(rosenbrock, x0, { maxIter: 1000, pgtol: 1e-30 });
    assert.equal(r.status, "reduction");
    assert.ok(r.f < 1e-8);
  });

  it("returns immediately at a stationary point and reports the iteration limit", () => {
    const atMinimum = minimizeLbfgs(rosenbrock, Float64Array.of(1, 1), { maxIter: 10, pgtol: 1e-5 });
    assert.deepEqual([atMinimum.status, atMinimum.nIter, atMinimum.nEval], ["gradient", 0, 1]);
    const limited = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3, pgtol: 1e-12 });
    assert.equal(limited.status, "max-iter");
    assert.equal(limited.nIter, 3);
    assert.equal(limited.converged, false);
  });

  it("solves an ill-conditioned quadratic in a few iterations", () => {
    // f(x) = ½ xᵀ diag(1, 10, 100) x - [1, 1, 1]ᵀ x, minimum at (1, 0.1, 0.01).
    const h = [1, 10, 100];
    const quad: Objective = (x, g) => {
      let f = 0;
      for (let i = 0; i < 3; i++) {
        g[i] = h[i] * x[i] - 1;
        f += 0.5 * h[i] * x[i] * x[i] - x[i];
      }
      return f;
    };
    const r = minimizeLbfgs(quad, new Float64Array(3), { maxIter: 100, pgtol: 1e-10, ftol: 0 });
    assert.ok(r.nIter <= 15);
    assert.ok(Math.abs(r.x[0] - 1) < 1e-9 && Math.abs(r.x[1] - 0.1) < 1e-9 && Math.abs(r.x[2] - 0.01) < 1e-9);
  });
});
