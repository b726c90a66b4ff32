/**
 * Limited-memory BFGS for smooth unconstrained problems, following what scipy's L-BFGS-B (v3.0, as called by
 * scikit-learn) does when no bounds are set, so fits stop where sklearn's stop:
 * - first direction -g with step 1/‖g‖, later the two-loop quasi-Newton direction with H₀ = (sᵀy / yᵀy) I;
 * - Moré–Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1), at most 20 evaluations per search;
 * - a correction pair is skipped unless sᵀy > ε·(−gᵀs); a failed search restarts from steepest descent;
 * - stop when ‖g‖∞ ≤ pgtol, when (f_old − f) / max(|f_old|, |f|, 1) ≤ ftol, or after maxIter iterations.
 */
import { MoreThuente } from "./line-search.js";

/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Stopping rules; defaults are scipy's `minimize(method="L-BFGS-B")` defaults. */
export interface LbfgsOptions {
  /** Iteration limit (scipy `maxiter`). */
  maxIter: number;
  /** Stop when the largest gradient component is at most this (scipy `gtol`, sklearn passes its `tol`). */
  pgtol: number;
  /** Relative reduction of f that counts as converged (scipy default 2.220446049250313e-09, i.e. 1e7·ε). */
  ftol?: number;
  /** Number of correction pairs kept (scipy `maxcor`, default 10). */
  memory?: number;
  /** Function evaluations allowed per line search (scipy `maxls`, default 20). */
  maxLineSearch?: number;
  /** Total function evaluations allowed (scipy `maxfun`, default 15000). */
  maxEval?: number;
}

/** Why the optimizer stopped. */
export type LbfgsStatus = "gradient" | "reduction" | "max-iter" | "max-eval" | "line-search";

/**
 * Outcome of {@link minimizeLbfgs}: the final point and value, iterations run, and the stopping reason.
 *
 * @example
 * const { x, converged } = minimizeLbfgs(objective, x0, { maxIter: 100, pgtol: 1e-4 });
 */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nIter: number;
  nEval: number;
  status: LbfgsStatus;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** The correction pairs (s, y) of the last `memory` accepted steps, oldest first, in a ring buffer. */
class History {
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: Float64Array;
  private head = 0;
  count = 0;
  /** sᵀy / yᵀy of the newest pair: the scale of the initial inverse Hessian. */
  gamma = 1;

  constructor(
    private readonly memory: number,
    n: number,
  ) {
    for (let k = 0; k < memory; k++) {
      this.s.push(new Float64Array(n));
      this.y.push(new Float64Array(n));
      this.rho.push(0);
    }
    this.alpha = new Float64Array(memory);
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
    this.gamma = 1;
  }

  push(s: Float64Array, y: Float64Array, sy: number, yy: number): void {
    const slot = (this.head + this.count) % this.memory;
    this.s[slot].set(s);
    this.y[slot].set(y);
    this.rho[slot] = 1 / sy;
    if (this.count < this.memory) this.count++;
    else this.head = (this.head + 1) % this.memory;
    this.gamma = sy / yy;
  }

  /** Writes −H g into `d` by the two-loop recursion. */
  direction(g: Float64Array, d: Float64Array): void {
    const n = g.length;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = this.count - 1; k >= 0; k--) {
      const slot = (this.head + k) % this.memory;
      const a = this.rho[slot] * dot(this.s[slot], d);
      this.alpha[k] = a;
      const y = this.y[slot];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    for (let i = 0; i < n; i++) d[i] *= this.gamma;
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) % this.memory;
      const b = this.alpha[k] - this.rho[slot] * dot(this.y[slot], d);
      const s = this.s[slot];
      for (let i = 0; i < n; i++) d[i] += b * s[i];
    }
  }
}

/**
 * Minimizes a smooth function from `x0` (which is not modified).
 *
 * @example
 * // f(x) = (x0 - 3)² + 10 (x1 + 1)²
 * const r = minimizeLbfgs((x, g) => { g[0] = 2 * (x[0] - 3); g[1] = 20 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2; }, new Float64Array(2), { maxIter: 100, pgtol: 1e-8 });
 * r.x; // ≈ [3, -1]
 */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const { maxIter, pgtol } = options;
  const ftol = options.ftol ?? 1e7 * Number.EPSILON;
  const maxLineSearch = options.maxLineSearch ?? 20;
  const maxEval = options.maxEval ?? 15000;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const xOld = new Float64Array(n);
  const gOld = new Float64Array(n);
  const d = new Float64Array(n);
  const history = new History(options.memory ?? 10, n);
  const search = new MoreThuente({ ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10 });

  let f = objective(x, g);
  let nEval = 1;
  let nIter = 0;
  const result = (status: LbfgsStatus): LbfgsResult => ({
    x,
    f,
    nIter,
    nEval,
    status,
    converged: status === "gradient" || status === "reduction",
  });
  if (maxAbs(g) <= pgtol) return result("gradient");

  for (;;) {
    if (history.count === 0) for (let i = 0; i < n; i++) d[i] = -g[i];
    else history.direction(g, d);
    const fOld = f;
    xOld.set(x);
    gOld.set(g);
    const gdOld = dot(g, d);
    const dnorm = Math.sqrt(dot(d, d));
    // A first step of length 1 along -g would ignore the gradient's scale; L-BFGS-B starts at 1/‖d‖.
    let task = search.start(f, gdOld, nIter === 0 ? Math.min(1 / dnorm, 1e10) : 1);
    let evaluations = 0;
    let gd = gdOld;
    let failed = !(gdOld < 0);
    while (!failed && task === "evaluate") {
      if (evaluations >= maxLineSearch) {
        failed = true;
        break;
      }
      const stp = search.step;
      for (let i = 0; i < n; i++) x[i] = xOld[i] + stp * d[i];
      f = objective(x, g);
      nEval++;
      evaluations++;
      gd = dot(g, d);
      task = search.next(f, gd);
    }
    if (failed) {
      x.set(xOld);
      g.set(gOld);
      f = fOld;
      if (history.count === 0) {
        nIter++;
        return result("line-search");
      }
      history.clear();
      continue;
    }

    nIter++;
    if (nIter >= maxIter) return result("max-iter");
    if (nEval > maxEval) return result("max-eval");
    if (maxAbs(g) <= pgtol) return result("gradient");
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return result("reduction");

    const stp = search.step;
    const sy = (gd - gdOld) * stp;
    if (sy > Number.EPSILON * (-gdOld * stp)) {
      // Reuse the buffers: s = stp·d, y = g - gOld.
      for (let i = 0; i < n; i++) {
        xOld[i] = stp * d[i];
        gOld[i] = g[i] - gOld[i];
      }
      history.push(xOld, gOld, sy, dot(gOld, gOld));
    }
  }
}
