/**
 * The Moré–Thuente line search (MINPACK-2 `dcsrch`/`dcstep`), the one L-BFGS-B uses: it finds a step satisfying
 * the strong Wolfe conditions by safeguarded cubic/quadratic interpolation inside a shrinking bracket.
 * Written as a small state machine driven by the caller (`start`, then `next` after every evaluation) so the
 * optimizer owns the function evaluations.
 */

/** Tolerances of the search; L-BFGS-B uses ftol 1e-3, gtol 0.9, xtol 0.1, stpmin 0, stpmax 1e10. */
export interface LineSearchOptions {
  ftol: number;
  gtol: number;
  xtol: number;
  stpmin: number;
  stpmax: number;
}

/** `evaluate`: call `next` with f and f' at `step`; `converged`: `step` satisfies both Wolfe conditions;
 * `warning`: no better step can be found (rounding, bracket too small, or a step bound reached). */
export type LineSearchTask = "evaluate" | "converged" | "warning";

const P5 = 0.5;
const P66 = 0.66;
const XTRAPL = 1.1;
const XTRAPU = 4;

/** End points of the bracket and the function values and derivatives there. */
interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/** Largest magnitude of three numbers; scales the cubic's discriminant to avoid overflow. */
function maxAbs(a: number, b: number, c: number): number {
  return Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
}

/**
 * One `dcstep`: from the bracket `s` and the trial (stp, fp, dp) picks the next trial step and updates `s`.
 * The four cases of Moré & Thuente (1994): higher value (bracketed); lower value with derivative sign change
 * (bracketed); lower value with shrinking derivative; lower value with growing derivative.
 */
function step(s: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = s;
  const sgnd = dp * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = maxAbs(theta, dx, dp);
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const r = (gamma - dx + theta) / (gamma - dx + gamma + dp);
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = maxAbs(theta, dx, dp);
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dx);
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = maxAbs(theta, dx, dp);
    // gamma is 0 only when the cubic does not tend to infinity in the direction of the step.
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) ** 2 - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma + (dx - dp) + gamma);
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      const limit = stp + P66 * (sty - stp);
      stpf = stp > stx ? Math.min(limit, stpf) : Math.max(limit, stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (s.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = maxAbs(theta, dy, dp);
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dy);
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }

  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  return stpf;
}

/**
 * A Moré–Thuente search along one direction. `start(f0, g0, stp)` with the value and (negative) directional
 * derivative at step 0 and a first trial step; then evaluate at `step` and call `next(f, g)` until the task is
 * no longer "evaluate".
 *
 * @example
 * const ls = new MoreThuente({ ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10 });
 * let task = ls.start(f0, g0, 1);
 * while (task === "evaluate") task = ls.next(phi(ls.step), dphi(ls.step));
 */
export class MoreThuente {
  /** The step to evaluate next (or the accepted step once the task is not "evaluate"). */
  step = 0;
  private readonly o: LineSearchOptions;
  private s: Bracket = { stx: 0, fx: 0, dx: 0, sty: 0, fy: 0, dy: 0, brackt: false };
  private stage = 1;
  private finit = 0;
  private ginit = 0;
  private gtest = 0;
  private width = 0;
  private width1 = 0;
  private stmin = 0;
  private stmax = 0;

  constructor(options: LineSearchOptions) {
    this.o = options;
  }

  /** Begins a search from f(0) = `f`, f'(0) = `g` < 0 with first trial step `stp`. */
  start(f: number, g: number, stp: number): LineSearchTask {
    const { ftol, stpmin, stpmax } = this.o;
    this.step = stp;
    this.s = { stx: 0, fx: f, dx: g, sty: 0, fy: f, dy: g, brackt: false };
    this.stage = 1;
    this.finit = f;
    this.ginit = g;
    this.gtest = ftol * g;
    this.width = stpmax - stpmin;
    this.width1 = this.width / P5;
    this.stmin = 0;
    this.stmax = stp + XTRAPU * stp;
    return "evaluate";
  }

  /** Takes f and f' at the current `step` and decides: done, or the next step to evaluate. */
  next(f: number, g: number): LineSearchTask {
    const { gtol, xtol, stpmin, stpmax } = this.o;
    const s = this.s;
    const stp = this.step;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;

    let warning = false;
    if (s.brackt && (stp <= this.stmin || stp >= this.stmax)) warning = true;
    if (s.brackt && this.stmax - this.stmin <= xtol * this.stmax) warning = true;
    if (stp === stpmax && f <= ftest && g <= this.gtest) warning = true;
    if (stp === stpmin && (f > ftest || g >= this.gtest)) warning = true;
    if (f <= ftest && Math.abs(g) <= gtol * -this.ginit) return "converged";
    if (warning) return "warning";

    let next: number;
    if (this.stage === 1 && f <= s.fx && f > ftest) {
      // In the first stage a modified function (f minus the sufficient-decrease line) drives the step.
      const gt = this.gtest;
      const m: Bracket = {
        stx: s.stx,
        fx: s.fx - s.stx * gt,
        dx: s.dx - gt,
        sty: s.sty,
        fy: s.fy - s.sty * gt,
        dy: s.dy - gt,
        brackt: s.brackt,
      };
      next = step(m, stp, f - stp * gt, g - gt, this.stmin, this.stmax);
      this.s = {
        stx: m.stx,
        fx: m.fx + m.stx * gt,
        dx: m.dx + gt,
        sty: m.sty,
        fy: m.fy + m.sty * gt,
        dy: m.dy + gt,
        brackt: m.brackt,
      };
    } else {
      next = step(s, stp, f, g, this.stmin, this.stmax);
    }
    const b = this.s;
    if (b.brackt) {
      // Bisect when the bracket did not shrink enough over the last two steps.
      if (Math.abs(b.sty - b.stx) >= P66 * this.width1) next = b.stx + P5 * (b.sty - b.stx);
      this.width1 = this.width;
      this.width = Math.abs(b.sty - b.stx);
      this.stmin = Math.min(b.stx, b.sty);
      this.stmax = Math.max(b.stx, b.sty);
    } else {
      this.stmin = next + XTRAPL * (next - b.stx);
      this.stmax = next + XTRAPU * (next - b.stx);
    }
    next = Math.min(Math.max(next, stpmin), stpmax);
    if (
      b.brackt &&
      (next <= this.stmin || next >= this.stmax || this.stmax - this.stmin <= xtol * this.stmax)
    ) {
      next = b.stx;
    }
    this.step = next;
    return "evaluate";
  }
}
