import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MoreThuente, type LineSearchOptions } from "../../src/numeric/line-search.js";

const OPTIONS: LineSearchOptions = { ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10 };

/** Runs a search on φ and returns the accepted step, the final task and the number of evaluations. */
function search(phi: (a: number) => [number, number], first: number, options = OPTIONS) {
  const ls = new MoreThuente(options);
  const [f0, g0] = phi(0);
  let task = ls.start(f0, g0, first);
  let evaluations = 0;
  while (task === "evaluate" && evaluations < 50) {
    const [f, g] = phi(ls.step);
    evaluations++;
    task = ls.next(f, g);
  }
  return { step: ls.step, task, evaluations };
}

function strongWolfe(phi: (a: number) => [number, number], step: number, options = OPTIONS): boolean {
  const [f0, g0] = phi(0);
  const [f, g] = phi(step);
  return f <= f0 + options.ftol * step * g0 && Math.abs(g) <= options.gtol * Math.abs(g0);
}

describe("MoreThuente line search", () => {
  it("accepts the first step when it already satisfies the strong Wolfe conditions", () => {
    const phi = (a: number): [number, number] => [(a - 1) ** 2, 2 * (a - 1)];
    assert.deepEqual(search(phi, 1), { step: 1, task: "converged", evaluations: 1 });
  });

  it("extrapolates from a tiny first step and brackets back from a huge one", () => {
    const phi = (a: number): [number, number] => [(a - 10) ** 2, 2 * (a - 10)];
    for (const first of [1e-3, 1e3]) {
      const r = search(phi, first);
      assert.equal(r.task, "converged");
      assert.ok(strongWolfe(phi, r.step));
    }
  });

  it("satisfies the strong Wolfe conditions on the Moré–Thuente test function φ(a) = -a / (a² + β)", () => {
    const beta = 2;
    const phi = (a: number): [number, number] => [-a / (a * a + beta), (a * a - beta) / (a * a + beta) ** 2];
    const tight = { ...OPTIONS, ftol: 1e-3, gtol: 0.1 };
    for (const first of [1e-3, 1e-1, 10, 1000]) {
      const r = search(phi, first, tight);
      assert.equal(r.task, "converged");
      assert.ok(strongWolfe(phi, r.step, tight));
      assert.ok(r.evaluations <= 12);
    }
  });

  it("stops with a warning at stpmax when the function keeps decreasing", () => {
    const phi = (a: number): [number, number] => [-a, -1];
    const r = search(phi, 1, { ...OPTIONS, stpmax: 10 });
    assert.equal(r.task, "warning");
    assert.equal(r.step, 10);
  });
});
